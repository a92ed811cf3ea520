import { withOrgApi, readJson } from "@/lib/api/handler";
import { decideAndDescribe } from "@/lib/approvals/decide-api";
import { denyApprovalSchema } from "@/lib/validation/approvals";
import { getDb } from "@/lib/db/client";

// POST /api/v1/approvals/{id}/deny {comment} → the request, denied: the agent is told the reason
export const POST = withOrgApi<{ id: string }>({ permission: "approvals.decide" }, async ({ req, params, org, actor }) => {
  const { comment } = await readJson(req, denyApprovalSchema);
  return Response.json(await decideAndDescribe(getDb(), actor, org.id, params.id, "denied", comment));
});
