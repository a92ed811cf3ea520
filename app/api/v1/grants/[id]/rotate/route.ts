import { withOrgApi } from "@/lib/api/handler";
import { rotateGrant } from "@/lib/grants/queries";
import { getDb } from "@/lib/db/client";

// POST /api/v1/grants/{id}/rotate → a new token (shown once); the old one stops at once
export const POST = withOrgApi<{ id: string }>({ permission: "grants.write" }, async ({ params, org, actor }) => {
  return Response.json(await rotateGrant(getDb(), actor, org.id, params.id));
});
