import { withOrgApi, readJson } from "@/lib/api/handler";
import { approvalCaller, decideAndDescribe } from "@/lib/approvals/decide-api";
import { denyApprovalSchema } from "@/lib/validation/approvals";
import { getDb } from "@/lib/db/client";

// POST /api/v1/approvals/{id}/deny {comment} → the request, denied: the agent is told the reason
// Any member may ask; decideApproval lets through approvals.decide (admins, policy managers) and the
// people the request's rule names as approvers (403 for anyone else).
export const POST = withOrgApi<{ id: string }>({ permission: "org.read" }, async (ctx) => {
  const { comment } = await readJson(ctx.req, denyApprovalSchema);
  return Response.json(await decideAndDescribe(getDb(), approvalCaller(ctx), ctx.org.id, ctx.params.id, "denied", comment));
});
