import { withOrgApi, readQuery } from "@/lib/api/handler";
import { auditFilterSchema, auditStats } from "@/lib/audit/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/audit/stats?from&to&serverId → series by decision, latency p50/p99, top tools, top denied rules
export const GET = withOrgApi({ permission: "audit.read" }, async ({ req, org }) => {
  return Response.json(await auditStats(getDb(), org.id, readQuery(req, auditFilterSchema)));
});
