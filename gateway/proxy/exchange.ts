import { createHash } from "node:crypto";
import type { Decision } from "../policy";
import type { RateLimiter, Reservation } from "../ratelimit";
import type { AuditEvent, GrantRecord, PolicyHandle, UpstreamConfig } from "../ports";
import { newEventId } from "../audit/ids";
import { idKey, type JsonRpcId } from "./jsonrpc";
import type { HeldCall } from "./hold";

// One client POST as it crosses the gateway: which requests it answered itself, which it
// forwarded and is waiting on (tools/call to settle and audit, tools/list to filter), and the
// audit events those produce.

export interface AuditSink {
  record(event: AuditEvent): void;
}

export interface TrackedCall {
  kind: "call";
  id: JsonRpcId;
  tool: string;
  args: Record<string, unknown>;
  decision: Decision;
  reservation: Reservation | null;
  startedAt: number;
  /** The approval the call runs on, when it needed one. */
  approvalId?: string;
  /** A multiplexed tool's operation (see decide-call.ts). */
  operation?: string;
}
/** What an audited call is: a tracked call, or one the gateway answered itself. */
export type CallRecord = Pick<TrackedCall, "tool" | "args" | "decision" | "approvalId" | "operation"> & { id: JsonRpcId | null };
export interface TrackedList {
  kind: "list";
  id: JsonRpcId;
}
export type Tracked = TrackedCall | TrackedList;

export interface ExchangeScope {
  grant: GrantRecord;
  server: UpstreamConfig;
  sessionId: string | null;
  policy: PolicyHandle | null;
}

export class Exchange {
  readonly tracked = new Map<string, Tracked>();
  readonly localResponses: Record<string, unknown>[] = [];
  /** Ids of every request forwarded upstream (governed or not), to answer them if it fails. */
  readonly forwardedIds: JsonRpcId[] = [];
  upstreamStatus: number | null = null;
  /** A tools/call kept open for a human's approval (hold mode); see hold.ts. */
  held: HeldCall | null = null;
  /** This POST initializes a session whose client declared URL-mode elicitation. */
  clientElicitsUrl = false;

  constructor(
    private readonly scope: ExchangeScope,
    private readonly audit: AuditSink,
    private readonly limiter: RateLimiter,
  ) {}

  track(t: Tracked) {
    this.tracked.set(idKey(t.id), t);
  }

  get needsInspection(): boolean {
    return this.tracked.size > 0 || this.localResponses.length > 0;
  }

  /** A response from the upstream arrived: settle its reservation and write its audit event. */
  async settle(id: JsonRpcId | null | undefined, response: { result?: unknown; error?: unknown } | null, failure?: string, keepQuota = false) {
    const key = idKey(id ?? null);
    const t = this.tracked.get(key);
    if (!t) return;
    this.tracked.delete(key);
    if (t.kind !== "call") return;
    // A call failed when the upstream answered with an error (protocol error, or a tool
    // result marked isError: the tool did not do its work) or did not answer at all.
    const toolFailed = (response?.result as { isError?: unknown } | undefined)?.isError === true;
    const ok = keepQuota || (response !== null && response.error === undefined && !toolFailed && failure === undefined);
    if (t.reservation) await (ok ? this.limiter.commit(t.reservation) : this.limiter.rollback(t.reservation)).catch(() => {});
    const upstreamError = failure ?? (response?.error ? describeRpcError(response.error) : toolFailed ? "the tool reported an error (isError)" : null);
    this.recordCall(t, performance.now() - t.startedAt, upstreamError);
  }

  /**
   * Everything still pending failed (stream ended early, timeout, upstream error): quota is
   * given back. When the client went away instead, the upstream may well have run the call,
   * so the quota is kept (keepQuota).
   */
  async failPending(reason: string, keepQuota = false) {
    for (const t of [...this.tracked.values()]) await this.settle(t.id, null, reason, keepQuota);
  }

  pendingCallIds(): JsonRpcId[] {
    return [...this.tracked.values()].filter((t) => t.kind === "call").map((t) => t.id);
  }

  recordCall(call: CallRecord, latencyMs: number | null, upstreamError: string | null) {
    const { grant, server, sessionId, policy } = this.scope;
    const { id, tool, args, decision } = call;
    this.audit.record({
      id: newEventId(),
      time: new Date().toISOString(),
      orgId: grant.orgId,
      serverId: server.serverId,
      grantId: grant.id,
      sessionId: sessionId ? sessionAuditId(sessionId) : null,
      requestId: id === null ? null : boundText(String(id), MAX_ID_CHARS),
      method: "tools/call",
      tool: boundText(tool, MAX_TOOL_CHARS),
      // Any string an agent sent: bounded like a tool name.
      operation: boundText(call.operation ?? null, MAX_OPERATION_CHARS),
      decision: decision.effect,
      rulePointer: decision.rule,
      message: boundText(upstreamError ? `upstream error: ${upstreamError}` : decision.effect === "allow" ? null : decision.message, MAX_MESSAGE_CHARS),
      policyVersion: policy?.version ?? null,
      argKeys: boundKeys(Object.keys(args)),
      args: grant.auditArgumentValues ? args : null,
      latencyMs: latencyMs === null ? null : Math.round(latencyMs * 100) / 100,
      upstreamStatus: this.upstreamStatus,
      approvalId: call.approvalId ?? null,
    });
  }
}

// What a client sends (tool names, request ids, argument names) and what an upstream answers
// (error messages) can each be megabytes. An audit event keeps a bounded prefix and a digest of
// the rest: each event sits in the writer's buffer (bounded by count, not size) until written,
// and PostgreSQL refuses a tool name over ~2,700 bytes outright (it is in a btree index), which
// left such events refused, retried and piling up in memory, and the call missing from the trail.
const MAX_TOOL_CHARS = 256;
const MAX_OPERATION_CHARS = 256;
const MAX_ID_CHARS = 256;
const MAX_MESSAGE_CHARS = 2048;
const MAX_ARG_KEYS = 256;

function boundText<T extends string | null>(text: T, max: number): T {
  if (text === null || text.length <= max) return text;
  const digest = createHash("sha256").update(text).digest("base64url").slice(0, 16);
  return `${text.slice(0, max - 64)}…[${text.length} chars, sha256:${digest}]` as T;
}

function boundKeys(keys: string[]): string[] {
  const kept = keys.slice(0, MAX_ARG_KEYS).map((k) => boundText(k, MAX_TOOL_CHARS));
  return keys.length > MAX_ARG_KEYS ? [...kept, `…(${keys.length - MAX_ARG_KEYS} more)`] : kept;
}

function describeRpcError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  return `${typeof e.code === "number" ? e.code : "?"} ${typeof e.message === "string" ? e.message : ""}`.trim();
}

/** Audit logs name sessions by a digest: the upstream's session id itself is a credential. */
export function sessionAuditId(sessionId: string): string {
  return `ses_${createHash("sha256").update(sessionId).digest("base64url").slice(0, 16)}`;
}
