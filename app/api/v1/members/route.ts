import { withOrgApi } from "@/lib/api/handler";
import { listMembers } from "@/lib/orgs/members";
import { getDb } from "@/lib/db/client";

export const GET = withOrgApi({ permission: "org.read" }, async ({ org }) => {
  return Response.json({ members: await listMembers(getDb(), org.id) });
});
