import { withOrgApi } from "@/lib/api/handler";
import { revokeGrant } from "@/lib/grants/grants";
import { getDb } from "@/lib/db/client";

// DELETE /api/v1/grants/{id} → revoked; the token stops working on the next request
export const DELETE = withOrgApi<{ id: string }>({ permission: "grants.write" }, async ({ params, org, actor }) => {
  await revokeGrant(getDb(), actor, org.id, params.id);
  return new Response(null, { status: 204 });
});
