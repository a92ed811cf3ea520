import { withOrgApi } from "@/lib/api/handler";
import { countPendingApprovals } from "@/lib/approvals/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/approvals/count → {pending}: how many requests wait for a decision (the sidebar's badge)
export const GET = withOrgApi({ permission: "org.read" }, async ({ org }) => {
  return Response.json({ pending: await countPendingApprovals(getDb(), org.id) });
});
