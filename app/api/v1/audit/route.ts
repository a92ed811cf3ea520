import { withOrgApi, readQuery } from "@/lib/api/handler";
import { exportAuditEvents, listAuditEvents } from "@/lib/audit/queries";
import { auditListQuery } from "@/lib/validation/audit";
import { getDb } from "@/lib/db/client";

// GET /api/v1/audit?serverId&grantId&tool&operation&decision&from&to&limit&cursor → {items, nextCursor}, newest first
// with after=<cursor or event id>: the events after that one, oldest first (to follow the log)
// with format=csv|json: every event of the filter (up to 50,000) as a download
export const GET = withOrgApi({ permission: "audit.read" }, async ({ req, org }) => {
  const q = readQuery(req, auditListQuery);
  const db = getDb();
  if (q.format) {
    const body = await exportAuditEvents(db, org.id, q, q.format);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(body, {
      headers: {
        "content-type": q.format === "csv" ? "text/csv; charset=utf-8" : "application/json",
        "content-disposition": `attachment; filename="toolgate-audit-${stamp}.${q.format}"`,
      },
    });
  }
  return Response.json(await listAuditEvents(db, org.id, q));
});
