import { withOrgApi, readJson } from "@/lib/api/handler";
import { approvalCaller, decideAndDescribe } from "@/lib/approvals/decide-api";
import { approveApprovalSchema } from "@/lib/validation/approvals";
import { getDb } from "@/lib/db/client";

// POST /api/v1/approvals/{id}/approve {comment?} → the request, approved: the agent's same call passes once
// Any member may ask; decideApproval lets through approvals.decide (admins, policy managers) and the
// people the request's rule names as approvers (403 for anyone else).
export const POST = withOrgApi<{ id: string }>({ permission: "org.read" }, async (ctx) => {
  const { comment } = await readJson(ctx.req, approveApprovalSchema);
  return Response.json(await decideAndDescribe(getDb(), approvalCaller(ctx), ctx.org.id, ctx.params.id, "approved", comment));
});
