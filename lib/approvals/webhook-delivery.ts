import { createHmac, randomUUID } from "node:crypto";
import { getDb, type Db } from "../db/client";
import { ApiError } from "../api/errors";
import { open } from "../crypto/secret-box";
import { checkUpstreamUrl, UpstreamUrlError } from "../servers/upstream-address";
import { deciderLabel, getApproval, type ApprovalItem, type ApprovalViewer } from "./queries";

// Delivering approval events to the organization's webhook. Each new request ("approval.requested")
// and each decision ("approval.decided") is POSTed as JSON that a Slack incoming webhook also takes
// (a top-level `text`), signed: `X-Toolgate-Signature: sha256=<hex HMAC-SHA256 of the raw body>`
// under the webhook's secret. Network errors, 5xx and 429 are retried with backoff.
//
// Durable: every attempt is a WebhookDelivery row, written *before* it is made, with no answer yet
// (statusCode and error both null: "scheduled"), and completed in place with the answer. The next
// attempt of a failed one is scheduled in the same transaction. The process that scheduled an
// attempt makes it when its wait is over (a timer); a sweeper on every replica (at start-up and
// every 15 s) makes any scheduled attempt whose wait is over, so attempts a dead process left
// behind are made by whichever replica comes first. An attempt is claimed with FOR UPDATE SKIP
// LOCKED and the row stays locked until its answer is recorded: one replica sends it, and a
// process that dies mid-attempt releases it for another (the receiver may then see that attempt
// twice: deduplicate on X-Toolgate-Delivery). The lock holds a database connection for up to the
// 5 s timeout, so a process makes at most two attempts at once.

export const WEBHOOK_EVENTS = ["approval.requested", "approval.decided", "tools.drifted", "test"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const TIMEOUT_MS = 5_000;
/** Waits before attempts 2…5. TOOLGATE_WEBHOOK_BACKOFF_MS="10,20,40,80" shortens them (tests). */
const DEFAULT_BACKOFF_MS = [1_000, 4_000, 16_000, 60_000];
const MAX_CONCURRENT_ATTEMPTS = 2;
export const WEBHOOK_SWEEP_MS = 15_000;

export function backoffSchedule(env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env.TOOLGATE_WEBHOOK_BACKOFF_MS;
  if (!raw) return DEFAULT_BACKOFF_MS;
  const list = raw.split(",").map((s) => Number(s.trim()));
  return list.every((n) => Number.isFinite(n) && n >= 0) ? list : DEFAULT_BACKOFF_MS;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

const dashboardBase = () => (process.env.TOOLGATE_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "");

export function approvalPageUrl(id: string): string {
  return `${dashboardBase()}/approvals/${id}`;
}

export function serverPageUrl(id: string): string {
  return `${dashboardBase()}/servers/${id}`;
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
    /** Emails the rule names as approvers, besides admins and policy managers. */
    approvers: string[];
    url: string;
  } | null;
  /** tools.drifted: a server's tools the gateway saw new or changed, waiting for review. */
  drift?: DriftDetails;
}

/** What a tools.drifted event tells, kept with its delivery (WebhookDelivery.details). */
export interface DriftDetails {
  server: { id: string; name: string };
  added: string[];
  changed: string[];
  url: string;
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
    approvers: a.approvers,
    url: approvalPageUrl(a.id),
  };
}

/** Slack's link syntax keeps `<`, `>` and `&` for itself. */
const slackEscape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function buildPayload(event: WebhookEvent, approval: ApprovalItem | null, deliveryId: string, drift?: DriftDetails): WebhookPayload {
  const a = approval ? describeApproval(approval) : null;
  let text: string;
  if (event === "tools.drifted" && drift) {
    const names = (list: string[]) => list.map((n) => `\`${slackEscape(n)}\``).join(", ");
    const what = [drift.added.length ? `new: ${names(drift.added)}` : "", drift.changed.length ? `changed: ${names(drift.changed)}` : ""].filter(Boolean).join("; ");
    text = `Tools on ${slackEscape(drift.server.name)} changed since they were reviewed (${what}). Agents cannot see or call them until someone reviews them. <${drift.url}|Review the tools>`;
    return { text, event, deliveryId, sentAt: new Date().toISOString(), approval: null, drift };
  }
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
// One attempt

export interface AttemptResult {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  ok: boolean;
}

interface Answer {
  statusCode: number | null;
  /** Set whenever statusCode is null: a row with neither is a scheduled attempt. */
  error: string | null;
  ok: boolean;
  durationMs: number | null;
  /** Worth another attempt: a network error, 5xx or 429. */
  retry: boolean;
}

async function attemptOnce(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const started = Date.now();
  try {
    // Checked at each attempt: the name may resolve elsewhere by now.
    await checkUpstreamUrl(url);
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, ok, durationMs: Date.now() - started, retry: res.status >= 500 || res.status === 429 };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const message =
      e instanceof UpstreamUrlError ? e.message : e.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { statusCode: null, error: String(message).slice(0, 500), ok: false, durationMs: Date.now() - started, retry: true };
  }
}

/** An answer that is not the receiver's: nothing was sent, and nothing will be. */
const notSent = (error: string): Answer => ({ statusCode: null, error, ok: false, durationMs: null, retry: false });

interface Delivery {
  orgId: string;
  deliveryId: string;
  event: WebhookEvent;
  approvalId: string | null;
  /** Events about something other than an approval carry what they tell. */
  details?: DriftDetails | null;
  url: string;
}

/** The webhook's receiver reads the request as nobody in particular: it decides nothing through it. */
const RECEIVER: ApprovalViewer = { role: "viewer", email: null };

/**
 * Bodies of the deliveries this process started, so that each of its attempts sends the same bytes
 * (the same `sentAt`). An attempt made by another replica, or after a restart, builds the body again:
 * the same delivery id, the request as it stands then.
 */
const bodies = new Map<string, string>();
const BODIES_MAX = 1_000;

function rememberBody(deliveryId: string, body: string) {
  if (bodies.size >= BODIES_MAX) bodies.delete(bodies.keys().next().value!);
  bodies.set(deliveryId, body);
}

/** Makes one attempt of a delivery with the webhook's current secret. */
async function send(db: Db, d: Delivery): Promise<Answer> {
  const hook = await db.approvalWebhook.findUnique({ where: { orgId: d.orgId }, select: { secretSealed: true, enabled: true } });
  if (!hook) return notSent("the webhook was removed before this attempt");
  if (!hook.enabled && d.event !== "test") return notSent("the webhook was disabled before this attempt");
  let secret: string;
  try {
    secret = open(hook.secretSealed);
  } catch {
    // Sealed under a key this process does not have (replicas must share TOOLGATE_ENCRYPTION_KEY).
    return notSent("cannot open the webhook's secret with this instance's encryption key: set a new secret");
  }
  let body = bodies.get(d.deliveryId);
  if (body === undefined) {
    const approval = d.approvalId ? await getApproval(db, d.orgId, d.approvalId, RECEIVER).catch(notFoundAsNull) : null;
    if (d.approvalId && !approval) return notSent("the approval request no longer exists");
    body = JSON.stringify(buildPayload(d.event, approval, d.deliveryId, d.details ?? undefined));
    rememberBody(d.deliveryId, body);
  }
  return attemptOnce(d.url, body, {
    "content-type": "application/json",
    "user-agent": "Toolgate-Webhook/1",
    "x-toolgate-event": d.event,
    "x-toolgate-delivery": d.deliveryId,
    "x-toolgate-signature": signBody(body, secret),
  });
}

const notFoundAsNull = (err: unknown) => {
  if (err instanceof ApiError && err.code === "not_found") return null;
  throw err;
};

const newDeliveryId = () => `whk_${randomUUID().replaceAll("-", "")}`;

// ---------------------------------------------------------------------------------------------
// Scheduled attempts

const NOW = `(now() AT TIME ZONE 'UTC')`;
/** A row with no answer yet: an attempt scheduled, not made. */
const SCHEDULED = `"statusCode" IS NULL AND error IS NULL`;

interface ScheduledRow extends Delivery {
  id: string;
  attempt: number;
}

type Sql = Pick<Db, "$queryRawUnsafe" | "$executeRawUnsafe">;

async function schedule(db: Sql, d: Delivery, attempt: number): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "WebhookDelivery" ("orgId", "deliveryId", event, "approvalId", details, url, attempt, "createdAt")
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, ${NOW}) RETURNING id`,
    d.orgId,
    d.deliveryId,
    d.event,
    d.approvalId,
    d.details ? JSON.stringify(d.details) : null,
    d.url,
    attempt,
  );
  return rows[0].id;
}

interface Made {
  result: AttemptResult;
  /** The next attempt, scheduled: when it is due. */
  next: { id: string; waitMs: number } | null;
}

/**
 * Claims one scheduled attempt — this one (`id`), or any whose wait is over (`"due"`) — makes it,
 * records the answer and schedules the next attempt of a failed delivery, all in one transaction.
 * Null when there is none to claim: another replica holds it, or it was made already.
 */
async function makeScheduledAttempt(db: Db, target: { id: string } | "due"): Promise<Made | null> {
  const waits = backoffSchedule();
  return db.$transaction(
    async (tx) => {
      // A row's wait counts from when it was scheduled; the first attempt waits for nothing.
      const which = target === "due" ? `"createdAt" + coalesce(($1::int[])[attempt - 1], 0) * interval '1 millisecond' <= ${NOW}` : `id = $1`;
      const rows = await tx.$queryRawUnsafe<ScheduledRow[]>(
        `SELECT id, "orgId", "deliveryId", event, "approvalId", details, url, attempt FROM "WebhookDelivery"
         WHERE ${SCHEDULED} AND ${which} ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED`,
        target === "due" ? waits : target.id,
      );
      const row = rows[0];
      if (!row) return null;
      const answer = await send(tx as unknown as Db, row);
      await tx.$executeRawUnsafe(
        `UPDATE "WebhookDelivery" SET "statusCode" = $2, error = $3, "durationMs" = $4, "createdAt" = ${NOW} WHERE id = $1`,
        row.id,
        answer.statusCode,
        answer.error,
        answer.durationMs,
      );
      const result = { attempt: row.attempt, statusCode: answer.statusCode, error: answer.error, ok: answer.ok };
      if (answer.ok || !answer.retry || row.attempt > waits.length) {
        bodies.delete(row.deliveryId);
        return { result, next: null };
      }
      return { result, next: { id: await schedule(tx, row, row.attempt + 1), waitMs: waits[row.attempt - 1] } };
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

// At most MAX_CONCURRENT_ATTEMPTS attempts at once per process: each holds a connection while it waits for the receiver.
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT_ATTEMPTS) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

type Log = (message: string) => void;
const defaultLog: Log = (m) => console.error(m);

/** Makes a scheduled attempt, then each next one when its wait is over, in this process. */
async function follow(db: Db, id: string, log: Log): Promise<AttemptResult | null> {
  const made = await limited(() => makeScheduledAttempt(db, { id }));
  if (made?.next) later(db, made.next, log);
  return made?.result ?? null;
}

function later(db: Db, next: { id: string; waitMs: number }, log: Log) {
  setTimeout(() => void follow(db, next.id, log).catch((err) => log(`toolgate: approval webhook attempt ${next.id} failed: ${(err as Error).message}`)), next.waitMs).unref?.();
}

/**
 * Delivers an approval event to the org's webhook, if one is enabled: the first attempt is made
 * now, failed ones again after the backoff (in the background). Resolves with the first attempt's
 * result; null when there is no enabled webhook, or another replica made the attempt first.
 */
export async function deliverEvent(db: Db, orgId: string, event: Exclude<WebhookEvent, "test" | "tools.drifted">, approvalId: string, log: Log = defaultLog): Promise<AttemptResult | null> {
  return deliver(db, { orgId, event, approvalId, details: null }, log);
}

/** Tells the org's webhook that the gateway saw tools drift (the same durable delivery as approvals). */
export async function deliverDriftEvent(db: Db, orgId: string, drift: Omit<DriftDetails, "url">, log: Log = defaultLog): Promise<AttemptResult | null> {
  return deliver(db, { orgId, event: "tools.drifted", approvalId: null, details: { ...drift, url: serverPageUrl(drift.server.id) } }, log);
}

async function deliver(db: Db, d: Omit<Delivery, "deliveryId" | "url">, log: Log): Promise<AttemptResult | null> {
  const hook = await db.approvalWebhook.findUnique({ where: { orgId: d.orgId }, select: { url: true, enabled: true } });
  if (!hook?.enabled) return null;
  const id = await schedule(db, { ...d, deliveryId: newDeliveryId(), url: hook.url }, 1);
  return follow(db, id, log);
}

/** Sends a test event: one attempt, not retried, logged with the deliveries. */
export async function sendTestDelivery(db: Db, orgId: string, url: string): Promise<AttemptResult> {
  const d = { orgId, deliveryId: newDeliveryId(), event: "test" as const, approvalId: null, url };
  const answer = await send(db, d);
  bodies.delete(d.deliveryId);
  await db.webhookDelivery.create({
    data: { ...d, attempt: 1, statusCode: answer.statusCode, error: answer.error, durationMs: answer.durationMs },
  });
  return { attempt: 1, statusCode: answer.statusCode, error: answer.error, ok: answer.ok };
}

/**
 * Makes every scheduled attempt whose wait is over (up to `max`), whichever process scheduled it:
 * what a process that stopped mid-backoff left behind. Their next attempts are followed here.
 * Returns how many attempts were made.
 */
export async function resumeWebhookDeliveries(db: Db, opts: { max?: number; log?: Log } = {}): Promise<number> {
  const log = opts.log ?? defaultLog;
  let made = 0;
  while (made < (opts.max ?? 100)) {
    const done = await limited(() => makeScheduledAttempt(db, "due"));
    if (!done) break;
    made++;
    if (done.next) later(db, done.next, log);
  }
  return made;
}

const g = globalThis as unknown as { __toolgateWebhookSweeper?: NodeJS.Timeout };

/** Resumes due attempts now and every 15 s, once per process (every replica runs one). */
export function startWebhookSweeper(log: Log = defaultLog): void {
  if (g.__toolgateWebhookSweeper) return;
  let busy = false;
  const sweep = () => {
    if (busy) return;
    busy = true;
    resumeWebhookDeliveries(getDb(), { log })
      .catch((err) => log(`toolgate: approval webhook sweep failed: ${(err as Error).message}`))
      .finally(() => (busy = false));
  };
  g.__toolgateWebhookSweeper = setInterval(sweep, WEBHOOK_SWEEP_MS);
  g.__toolgateWebhookSweeper.unref();
  setImmediate(sweep);
}
