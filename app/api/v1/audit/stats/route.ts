import { withOrgApi, readQuery } from "@/lib/api/handler";
import { auditStats } from "@/lib/audit/queries";
import { auditFilterSchema } from "@/lib/validation/audit";
import { getDb } from "@/lib/db/client";

// GET /api/v1/audit/stats?serverId&grantId&tool&operation&decision&from&to → series by decision, latency
// p50/p99, top tools, top denied rules (with their server and policy): every filter of the list applies
export const GET = withOrgApi({ permission: "audit.read" }, async ({ req, org }) => {
  return Response.json(await auditStats(getDb(), org.id, readQuery(req, auditFilterSchema)));
});
