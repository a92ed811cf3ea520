import { withOrgApi, readJson } from "@/lib/api/handler";
import { deletePolicyDraft, getPolicyDraft, savePolicyDraft } from "@/lib/policies/drafts";
import { savePolicyDraftSchema } from "@/lib/validation/policy-drafts";
import { getDb } from "@/lib/db/client";

// The caller's own builder draft of the server's policy: any text (it may be invalid JSON while
// being edited) and the version it started from. Publishing goes through PUT .../policy.

// GET /api/v1/servers/{id}/policy/draft → {draft: {text, baseVersion, updatedAt} | null}
export const GET = withOrgApi<{ id: string }>({ permission: "policies.write" }, async ({ params, org, actor }) => {
  return Response.json(await getPolicyDraft(getDb(), actor, org.id, params.id));
});

// PUT /api/v1/servers/{id}/policy/draft {text, baseVersion} → the saved draft
export const PUT = withOrgApi<{ id: string }>({ permission: "policies.write" }, async ({ req, params, org, actor }) => {
  const input = await readJson(req, savePolicyDraftSchema);
  return Response.json({ draft: await savePolicyDraft(getDb(), actor, org.id, params.id, input) });
});

// DELETE /api/v1/servers/{id}/policy/draft → 204 (discard, or after publishing)
export const DELETE = withOrgApi<{ id: string }>({ permission: "policies.write" }, async ({ params, org, actor }) => {
  await deletePolicyDraft(getDb(), actor, org.id, params.id);
  return new Response(null, { status: 204 });
});
