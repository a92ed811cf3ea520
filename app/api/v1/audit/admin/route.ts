import { withOrgApi, readQuery } from "@/lib/api/handler";
import { listNewestFirstQuery } from "@/lib/validation/lists";
import { listAdminLog } from "@/lib/audit/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/audit/admin?limit&cursor → {items, nextCursor}: who changed what, newest first
export const GET = withOrgApi({ permission: "audit.read" }, async ({ req, org }) => {
  return Response.json(await listAdminLog(getDb(), org.id, readQuery(req, listNewestFirstQuery)));
});
