import { withOrgApi } from "@/lib/api/handler";
import { listPolicyVersions } from "@/lib/policies/server-policy";
import { getDb } from "@/lib/db/client";

export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ params, org }) => {
  return Response.json({ versions: await listPolicyVersions(getDb(), org.id, params.id) });
});
