import { withOrgApi, readJson } from "@/lib/api/handler";
import { deleteWebhook, getWebhook, putWebhook } from "@/lib/approvals/webhook";
import { approvalWebhookSchema } from "@/lib/validation/approvals";
import { getDb } from "@/lib/db/client";

// GET /api/v1/approval-webhook → {webhook|null, deliveries}: the org's webhook (never its secret) and the last 20 attempts
export const GET = withOrgApi({ permission: "org.manage" }, async ({ org }) => {
  return Response.json(await getWebhook(getDb(), org.id));
});

// PUT /api/v1/approval-webhook {url, enabled} → {webhook, secret}: the secret only when the webhook is new
export const PUT = withOrgApi({ permission: "org.manage" }, async ({ req, org, actor }) => {
  return Response.json(await putWebhook(getDb(), actor, org.id, await readJson(req, approvalWebhookSchema)));
});

// DELETE /api/v1/approval-webhook → 204
export const DELETE = withOrgApi({ permission: "org.manage" }, async ({ org, actor }) => {
  await deleteWebhook(getDb(), actor, org.id);
  return new Response(null, { status: 204 });
});
