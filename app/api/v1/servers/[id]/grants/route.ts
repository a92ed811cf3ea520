import { withOrgApi, readJson } from "@/lib/api/handler";
import { createGrantSchema } from "@/lib/validation/servers";
import { createGrant } from "@/lib/grants/grants";
import { setGrantPolicy } from "@/lib/grants/queries";
import { getServerOrThrow } from "@/lib/servers/queries";
import { getDb } from "@/lib/db/client";
import { validateForServer } from "@/lib/policies/validate";

// POST /api/v1/servers/{id}/grants {label, policy?|policyId?} → 201 with the token (shown once)
export const POST = withOrgApi<{ id: string }>({ permission: "grants.write" }, async ({ req, params, org, actor }) => {
  const input = await readJson(req, createGrantSchema);
  const db = getDb();
  await getServerOrThrow(db, org.id, params.id);
  // Validate the grant's own policy before creating anything: a 400 must leave no live grant behind.
  if (input.policy !== undefined) await validateForServer(db, params.id, input.policy);
  const grant = await createGrant(db, actor, org.id, { serverId: params.id, label: input.label, policyId: input.policyId, metadata: input.metadata });
  if (input.policy === undefined) return Response.json(grant, { status: 201 });
  const own = await setGrantPolicy(db, actor, org.id, grant.id, { policy: input.policy });
  return Response.json({ ...grant, policyId: own.policyId }, { status: 201 });
});
