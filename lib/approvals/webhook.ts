import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { getDb } from "../db/client";
import type { Actor } from "../admin-audit/record";
import { recordAdminChange } from "../admin-audit/record";
import { ApiError } from "../api/errors";
import { seal } from "../crypto/secret-box";
import { checkUpstreamUrl, UpstreamUrlError } from "../servers/upstream-address";
import { approvalEvents } from "./events";
import { inventoryEvents } from "../servers/inventory-events";
import { deliverDriftEvent, deliverEvent, sendTestDelivery, startWebhookSweeper, type AttemptResult } from "./webhook-delivery";

// The organization's webhook for approval requests: its settings, and the subscription that
// delivers each new request and each decision to it (webhook-delivery.ts: signed bodies, durable
// retries, the delivery log). Nothing here runs on the gateway's request path: the gateway only
// emits an in-process event, and delivery happens after it, in the background.

function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

// ---------------------------------------------------------------------------------------------
// Settings

export interface WebhookSettings {
  url: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

async function checkWebhookUrl(raw: string): Promise<URL> {
  try {
    return await checkUpstreamUrl(raw);
  } catch (err) {
    if (err instanceof UpstreamUrlError) throw new ApiError("validation_failed", `url: ${err.message}`, { fields: { url: err.message } });
    throw err;
  }
}

export async function getWebhook(db: Db, orgId: string) {
  const hook = await db.approvalWebhook.findUnique({ where: { orgId }, select: { url: true, enabled: true, createdAt: true, updatedAt: true } });
  const deliveries = await db.webhookDelivery.findMany({
    where: { orgId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
    select: { id: true, deliveryId: true, event: true, approvalId: true, url: true, attempt: true, statusCode: true, error: true, durationMs: true, createdAt: true },
  });
  return { webhook: hook, deliveries };
}

/**
 * Sets the URL (and whether it is enabled); a new webhook gets a secret, returned this once. Of
 * two first saves at once, one creates the webhook (and gets the secret), the other waits for it
 * (INSERT … ON CONFLICT DO NOTHING blocks on the other's uncommitted row) and then updates it.
 */
export async function putWebhook(db: Db, actor: Actor, orgId: string, input: { url: string; enabled: boolean }): Promise<{ webhook: WebhookSettings; secret: string | null }> {
  const url = (await checkWebhookUrl(input.url)).toString();
  return db.$transaction(async (tx) => {
    const fresh = newSecret();
    const { count } = await tx.approvalWebhook.createMany({ data: [{ orgId, url, enabled: input.enabled, secretSealed: seal(fresh) }], skipDuplicates: true });
    const created = count === 1;
    const select = { url: true, enabled: true, createdAt: true, updatedAt: true } as const;
    const webhook = created
      ? await tx.approvalWebhook.findUniqueOrThrow({ where: { orgId }, select })
      : await tx.approvalWebhook.update({ where: { orgId }, data: { url, enabled: input.enabled }, select });
    await recordAdminChange(tx, actor, { orgId, action: created ? "webhook.created" : "webhook.updated", targetType: "webhook", targetId: orgId, details: { url, enabled: input.enabled } });
    return { webhook, secret: created ? fresh : null };
  });
}

/** A new secret (returned this once); the old one stops signing at once. */
export async function rotateWebhookSecret(db: Db, actor: Actor, orgId: string): Promise<{ secret: string }> {
  const secret = newSecret();
  await db.$transaction(async (tx) => {
    const r = await tx.approvalWebhook.updateMany({ where: { orgId }, data: { secretSealed: seal(secret) } });
    if (r.count === 0) throw new ApiError("not_found", "no webhook is set up: set its URL first");
    await recordAdminChange(tx, actor, { orgId, action: "webhook.secret_rotated", targetType: "webhook", targetId: orgId, details: {} });
  });
  return { secret };
}

export async function deleteWebhook(db: Db, actor: Actor, orgId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const r = await tx.approvalWebhook.deleteMany({ where: { orgId } });
    if (r.count === 0) throw new ApiError("not_found", "no webhook is set up");
    await recordAdminChange(tx, actor, { orgId, action: "webhook.deleted", targetType: "webhook", targetId: orgId, details: {} });
  });
}

/** Sends a test event (one attempt, no retries) and answers what happened. */
export async function sendTestEvent(db: Db, orgId: string): Promise<AttemptResult> {
  const hook = await db.approvalWebhook.findUnique({ where: { orgId }, select: { url: true } });
  if (!hook) throw new ApiError("not_found", "no webhook is set up: set its URL first");
  return sendTestDelivery(db, orgId, hook.url);
}

// ---------------------------------------------------------------------------------------------
// Subscription

const g = globalThis as unknown as { __toolgateApprovalNotifier?: boolean };

/**
 * Subscribes webhook delivery to the approval events, once per process (start-up and the
 * gateway runtime both call it; the custom server and Next's bundle share globalThis), and starts
 * the sweeper that resumes retries left behind by a stopped process. Delivery runs detached: the
 * emitter's caller (the gateway, or a decision) never waits for it.
 */
export function startApprovalNotifier(log: (message: string) => void = (m) => console.error(m)): void {
  if (g.__toolgateApprovalNotifier) return;
  g.__toolgateApprovalNotifier = true;
  startWebhookSweeper(log);
  const send = (orgId: string, event: "approval.requested" | "approval.decided", approvalId: string) => {
    setImmediate(() => {
      deliverEvent(getDb(), orgId, event, approvalId, log).catch((err) => log(`toolgate: approval webhook ${event} for ${approvalId} failed: ${(err as Error).message}`));
    });
  };
  approvalEvents().on("requested", ({ approvalId, orgId }) => send(orgId, "approval.requested", approvalId));
  approvalEvents().on("decided", ({ approvalId, orgId }) => send(orgId, "approval.decided", approvalId));
  inventoryEvents().on("drifted", ({ orgId, serverId, serverName, added, changed }) => {
    setImmediate(() => {
      deliverDriftEvent(getDb(), orgId, { server: { id: serverId, name: serverName }, added, changed }, log).catch((err) => log(`toolgate: webhook tools.drifted for ${serverId} failed: ${(err as Error).message}`));
    });
  });
}
