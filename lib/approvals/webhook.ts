import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../db/client";
import { getDb } from "../db/client";
import type { Actor } from "../admin-audit/record";
import { recordAdminChange } from "../admin-audit/record";
import { ApiError } from "../api/errors";
import { open, seal } from "../crypto/secret-box";
import { checkUpstreamUrl, UpstreamUrlError } from "../servers/upstream-address";
import { approvalEvents } from "./events";
import { deciderLabel, getApproval, type ApprovalItem } from "./queries";

// The organization's webhook for approval requests. Each new request ("approval.requested") and
// each decision ("approval.decided") is POSTed as JSON that a Slack incoming webhook also takes (a
// top-level `text`), signed: `X-Toolgate-Signature: sha256=<hex HMAC-SHA256 of the raw body>`
// under the webhook's secret. Network errors, 5xx and 429 are retried with exponential backoff;
// every attempt is logged (WebhookDelivery). Nothing here runs on the gateway's request path: the
// gateway only emits an in-process event, and delivery happens after it, in the background.

export const WEBHOOK_EVENTS = ["approval.requested", "approval.decided", "test"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const TIMEOUT_MS = 5_000;
/** Waits before attempts 2…5. TOOLGATE_WEBHOOK_BACKOFF_MS="10,20,40,80" shortens them (tests). */
const DEFAULT_BACKOFF_MS = [1_000, 4_000, 16_000, 60_000];

export function backoffSchedule(env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env.TOOLGATE_WEBHOOK_BACKOFF_MS;
  if (!raw) return DEFAULT_BACKOFF_MS;
  const list = raw.split(",").map((s) => Number(s.trim()));
  return list.every((n) => Number.isFinite(n) && n >= 0) ? list : DEFAULT_BACKOFF_MS;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

export function approvalPageUrl(id: string): string {
  const base = (process.env.TOOLGATE_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "");
  return `${base}/approvals/${id}`;
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

/** Sets the URL (and whether it is enabled); a new webhook gets a secret, returned this once. */
export async function putWebhook(db: Db, actor: Actor, orgId: string, input: { url: string; enabled: boolean }): Promise<{ webhook: WebhookSettings; secret: string | null }> {
  const url = (await checkWebhookUrl(input.url)).toString();
  return db.$transaction(async (tx) => {
    const existing = await tx.approvalWebhook.findUnique({ where: { orgId }, select: { orgId: true } });
    const secret = existing ? null : newSecret();
    const select = { url: true, enabled: true, createdAt: true, updatedAt: true } as const;
    const webhook = secret
      ? await tx.approvalWebhook.create({ data: { orgId, url, enabled: input.enabled, secretSealed: seal(secret) }, select })
      : await tx.approvalWebhook.update({ where: { orgId }, data: { url, enabled: input.enabled }, select });
    await recordAdminChange(tx, actor, { orgId, action: existing ? "webhook.updated" : "webhook.created", targetType: "webhook", targetId: orgId, details: { url, enabled: input.enabled } });
    return { webhook, secret };
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

// ---------------------------------------------------------------------------------------------
// Payloads

export interface WebhookPayload {
  text: string;
  event: WebhookEvent;
  deliveryId: string;
  sentAt: string;
  approval: {
    id: string;
    status: string;
    tool: string;
    args: unknown;
    server: { id: string; name: string };
    grant: { id: string; label: string };
    risk: { category: string; level: string } | null;
    requestedAt: string;
    expiresAt: string;
    decidedBy: string | null;
    comment: string | null;
    url: string;
  } | null;
}

function describeApproval(a: ApprovalItem): NonNullable<WebhookPayload["approval"]> {
  return {
    id: a.id,
    status: a.status,
    tool: a.tool,
    args: a.args,
    server: a.server,
    grant: a.grant,
    risk: a.risk,
    requestedAt: a.requestedAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
    decidedBy: a.decidedBy ? deciderLabel(a.decidedBy) : null,
    comment: a.comment,
    url: approvalPageUrl(a.id),
  };
}

/** Slack's link syntax keeps `<`, `>` and `&` for itself. */
const slackEscape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function buildPayload(event: WebhookEvent, approval: ApprovalItem | null, deliveryId: string): WebhookPayload {
  const a = approval ? describeApproval(approval) : null;
  let text: string;
  if (!a) text = "Toolgate: a test event from your approval webhook. Deliveries are working.";
  else if (event === "approval.requested") {
    const risk = a.risk ? ` (risk: ${a.risk.category}, ${a.risk.level})` : "";
    text = `Approval needed: \`${slackEscape(a.tool)}\`${risk} on ${slackEscape(a.server.name)}, asked by grant ${slackEscape(a.grant.label)}. Expires ${a.expiresAt}. <${a.url}|Review the call>`;
  } else {
    const verb = a.status === "denied" ? "denied" : "approved";
    const why = a.comment ? `: “${slackEscape(a.comment)}”` : "";
    text = `\`${slackEscape(a.tool)}\` on ${slackEscape(a.server.name)} (grant ${slackEscape(a.grant.label)}) was ${verb} by ${slackEscape(a.decidedBy ?? "someone")}${why}. <${a.url}|Open the request>`;
  }
  return { text, event, deliveryId, sentAt: new Date().toISOString(), approval: a };
}

// ---------------------------------------------------------------------------------------------
// Delivery

export interface AttemptResult {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  ok: boolean;
}

const retryable = (r: AttemptResult) => (r.statusCode === null ? true : r.statusCode >= 500 || r.statusCode === 429);

async function attemptOnce(url: string, body: string, headers: Record<string, string>): Promise<Omit<AttemptResult, "attempt"> & { durationMs: number }> {
  const started = Date.now();
  try {
    // Checked at each attempt: the name may resolve elsewhere by now.
    await checkUpstreamUrl(url);
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, ok, durationMs: Date.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const message =
      e instanceof UpstreamUrlError ? e.message : e.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { statusCode: null, error: String(message).slice(0, 500), ok: false, durationMs: Date.now() - started };
  }
}

/**
 * Sends one event to the org's webhook: up to 1 + backoff.length attempts (only the first for a
 * test event), each logged. Resolves with the attempts made; nothing when no webhook is enabled.
 */
export async function deliverEvent(db: Db, orgId: string, event: WebhookEvent, approvalId: string | null, opts: { retry?: boolean } = {}): Promise<AttemptResult[]> {
  const hook = await db.approvalWebhook.findUnique({ where: { orgId } });
  if (!hook || (!hook.enabled && event !== "test")) return [];
  const approval = approvalId ? await getApproval(db, orgId, approvalId) : null;
  const deliveryId = `whk_${randomUUID().replaceAll("-", "")}`;
  const body = JSON.stringify(buildPayload(event, approval, deliveryId));
  let secret: string;
  try {
    secret = open(hook.secretSealed);
  } catch {
    // Sealed under a key this process does not have (replicas must share TOOLGATE_ENCRYPTION_KEY).
    const error = "cannot open the webhook's secret with this instance's encryption key: set a new secret";
    await db.webhookDelivery.create({ data: { orgId, deliveryId, event, approvalId, url: hook.url, attempt: 1, statusCode: null, error } });
    return [{ attempt: 1, statusCode: null, error, ok: false }];
  }
  const headers = {
    "content-type": "application/json",
    "user-agent": "Toolgate-Webhook/1",
    "x-toolgate-event": event,
    "x-toolgate-delivery": deliveryId,
    "x-toolgate-signature": signBody(body, secret),
  };
  const waits = opts.retry === false ? [] : backoffSchedule();
  const results: AttemptResult[] = [];
  for (let attempt = 1; ; attempt++) {
    const r = await attemptOnce(hook.url, body, headers);
    const result = { attempt, statusCode: r.statusCode, error: r.error, ok: r.ok };
    results.push(result);
    await db.webhookDelivery.create({
      data: { orgId, deliveryId, event, approvalId, url: hook.url, attempt, statusCode: r.statusCode, error: r.error, durationMs: r.durationMs },
    });
    if (r.ok || !retryable(result) || attempt > waits.length) return results;
    await new Promise((resolve) => setTimeout(resolve, waits[attempt - 1]).unref?.());
  }
}

/** Sends a test event (one attempt, no retries) and answers what happened. */
export async function sendTestEvent(db: Db, orgId: string): Promise<AttemptResult> {
  const hook = await db.approvalWebhook.findUnique({ where: { orgId }, select: { orgId: true } });
  if (!hook) throw new ApiError("not_found", "no webhook is set up: set its URL first");
  const [result] = await deliverEvent(db, orgId, "test", null, { retry: false });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Subscription

const g = globalThis as unknown as { __toolgateApprovalNotifier?: boolean };

/**
 * Subscribes webhook delivery to the approval events, once per process (start-up and the
 * gateway runtime both call it; the custom server and Next's bundle share globalThis). Delivery
 * runs detached: the emitter's caller (the gateway, or a decision) never waits for it.
 */
export function startApprovalNotifier(log: (message: string) => void = (m) => console.error(m)): void {
  if (g.__toolgateApprovalNotifier) return;
  g.__toolgateApprovalNotifier = true;
  const send = (orgId: string, event: WebhookEvent, approvalId: string) => {
    setImmediate(() => {
      deliverEvent(getDb(), orgId, event, approvalId).catch((err) => log(`toolgate: approval webhook ${event} for ${approvalId} failed: ${(err as Error).message}`));
    });
  };
  approvalEvents().on("requested", ({ approvalId, orgId }) => send(orgId, "approval.requested", approvalId));
  approvalEvents().on("decided", ({ approvalId, orgId }) => send(orgId, "approval.decided", approvalId));
}
