import { withOrgApi, readQuery } from "@/lib/api/handler";
import { listApprovals } from "@/lib/approvals/queries";
import { listApprovalsQuery } from "@/lib/validation/approvals";
import { approvalCaller } from "@/lib/approvals/decide-api";
import { getDb } from "@/lib/db/client";

// GET /api/v1/approvals?status&serverId&grantId&tool&limit&cursor → {items, nextCursor}: approval
// requests, pending first, then newest first, each with the call's arguments in full
export const GET = withOrgApi({ permission: "org.read" }, async (ctx) => {
  return Response.json(await listApprovals(getDb(), ctx.org.id, approvalCaller(ctx), readQuery(ctx.req, listApprovalsQuery)));
});
