import { withOrgApi, readJson } from "@/lib/api/handler";
import { grantPolicySchema } from "@/lib/validation/servers";
import { setGrantPolicy } from "@/lib/grants/queries";
import { getDb } from "@/lib/db/client";

// PUT /api/v1/grants/{id}/policy {policy} | {policyId} | {policyId: null} → the grant's own policy, or the server's
export const PUT = withOrgApi<{ id: string }>({ permission: "grants.write" }, async ({ req, params, org, actor }) => {
  const input = await readJson(req, grantPolicySchema);
  return Response.json(await setGrantPolicy(getDb(), actor, org.id, params.id, input));
});
