import { withOrgApi, readJson } from "@/lib/api/handler";
import { putPolicySchema } from "@/lib/validation/servers";
import { getServerPolicy, putServerPolicy } from "@/lib/policies/server-policy";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers/{id}/policy → {policyId, version, document} (nulls when none is published)
export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ params, org }) => {
  return Response.json(await getServerPolicy(getDb(), org.id, params.id));
});

// PUT /api/v1/servers/{id}/policy {document, message?, baseVersion?} → a new version; 400 lists every
// {path, message} error and the previous version stays live; 409 when baseVersion is no longer current.
export const PUT = withOrgApi<{ id: string }>({ permission: "policies.write" }, async ({ req, params, org, actor }) => {
  const { document, message, baseVersion } = await readJson(req, putPolicySchema);
  const published = await putServerPolicy(getDb(), actor, org.id, params.id, document, message, baseVersion);
  return Response.json(published);
});
