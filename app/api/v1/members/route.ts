import { withOrgApi, readQuery } from "@/lib/api/handler";
import { listMembers } from "@/lib/orgs/members";
import { listOldestFirstQuery } from "@/lib/validation/lists";
import { getDb } from "@/lib/db/client";

// GET /api/v1/members?limit&cursor → {items, nextCursor}: members with their role, oldest first
export const GET = withOrgApi({ permission: "org.read" }, async ({ req, org }) => {
  return Response.json(await listMembers(getDb(), org.id, readQuery(req, listOldestFirstQuery)));
});
