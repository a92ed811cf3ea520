import { withOrgApi, readQuery } from "@/lib/api/handler";
import { paginationSchema } from "@/lib/validation/servers";
import { listAdminLog } from "@/lib/audit/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/audit/admin?limit&cursor → who changed what, newest first
export const GET = withOrgApi({ permission: "audit.read" }, async ({ req, org }) => {
  const { limit, cursor } = readQuery(req, paginationSchema);
  return Response.json(await listAdminLog(getDb(), org.id, limit, cursor));
});
