import { withOrgApi } from "@/lib/api/handler";
import { getApproval } from "@/lib/approvals/queries";
import { approvalCaller } from "@/lib/approvals/decide-api";
import { getDb } from "@/lib/db/client";

// GET /api/v1/approvals/{id} → one approval request (404 for ids of other organizations)
export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async (ctx) => {
  return Response.json(await getApproval(getDb(), ctx.org.id, ctx.params.id, approvalCaller(ctx)));
});
