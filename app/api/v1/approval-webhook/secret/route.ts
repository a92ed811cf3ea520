import { withOrgApi } from "@/lib/api/handler";
import { rotateWebhookSecret } from "@/lib/approvals/webhook";
import { getDb } from "@/lib/db/client";

// POST /api/v1/approval-webhook/secret → {secret}: a new signing secret, shown once
export const POST = withOrgApi({ permission: "org.manage" }, async ({ org, actor }) => {
  return Response.json(await rotateWebhookSecret(getDb(), actor, org.id));
});
