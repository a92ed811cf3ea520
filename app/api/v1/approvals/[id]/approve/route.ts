import { withOrgApi, readJson } from "@/lib/api/handler";
import { decideAndDescribe } from "@/lib/approvals/decide-api";
import { approveApprovalSchema } from "@/lib/validation/approvals";
import { getDb } from "@/lib/db/client";

// POST /api/v1/approvals/{id}/approve {comment?} → the request, approved: the agent's same call passes once
export const POST = withOrgApi<{ id: string }>({ permission: "approvals.decide" }, async ({ req, params, org, actor }) => {
  const { comment } = await readJson(req, approveApprovalSchema);
  return Response.json(await decideAndDescribe(getDb(), actor, org.id, params.id, "approved", comment));
});
