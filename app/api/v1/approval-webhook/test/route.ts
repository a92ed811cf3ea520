import { withOrgApi } from "@/lib/api/handler";
import { sendTestEvent } from "@/lib/approvals/webhook";
import { getDb } from "@/lib/db/client";

// POST /api/v1/approval-webhook/test → {attempt, statusCode, error, ok}: one signed test event, not retried
export const POST = withOrgApi({ permission: "org.manage" }, async ({ org }) => {
  return Response.json(await sendTestEvent(getDb(), org.id));
});
