import { withOrgApi, readQuery } from "@/lib/api/handler";
import { auditFilterSchema, exportAuditEvents, listAuditEvents } from "@/lib/audit/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/audit?serverId&grantId&tool&decision&from&to&limit&cursor → {items, nextCursor}
// with format=csv|json: every event of the filter (up to 50,000) as a download
export const GET = withOrgApi({ permission: "audit.read" }, async ({ req, org }) => {
  const f = readQuery(req, auditFilterSchema);
  const db = getDb();
  if (f.format) {
    const body = await exportAuditEvents(db, org.id, f, f.format);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(body, {
      headers: {
        "content-type": f.format === "csv" ? "text/csv; charset=utf-8" : "application/json",
        "content-disposition": `attachment; filename="toolgate-audit-${stamp}.${f.format}"`,
      },
    });
  }
  return Response.json(await listAuditEvents(db, org.id, f));
});
