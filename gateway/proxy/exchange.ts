import { createHash } from "node:crypto";
import type { Decision } from "../policy";
import type { RateLimiter, Reservation } from "../ratelimit";
import type { AuditEvent, GrantRecord, PolicyHandle, UpstreamConfig } from "../ports";
import { newEventId } from "../audit/ids";
import { idKey, type JsonRpcId } from "./jsonrpc";
import type { HeldCall } from "./hold";
import type { UnknownToolProbe } from "../enforce/unknown-tool";
import type { DriftGuard } from "../inventory/drift-guard";

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
  /** A hidden or unknown tool's stand-in call: its answer is told as the tool's (enforce/unknown-tool.ts). */
  probe?: UnknownToolProbe;
}
/** What an audited call is: a tracked call, or one the gateway answered itself. */
export type CallRecord = Pick<TrackedCall, "tool" | "args" | "decision" | "approvalId" | "operation"> & { id: JsonRpcId | null };
export interface TrackedList {
  kind: "list";
  id: JsonRpcId;
  /** The request asked for a page after the first (its answer cannot be a baseline). */
  paged: boolean;
}

/**
 * Why a forwarded request got no answer from the upstream, and whether the upstream certainly
 * did not run it (nothing was delivered, or it refused the request before any result): only
 * then is a call's quota given back. A timeout, a stream cut after delivery, or a client that
 * went away keep it: the side effect may have happened.
 */
export interface Unanswered {
  reason: string;
  notRun: boolean;
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
  /** Every tools/call this exchange forwarded, by id key, settled or not: a late or repeated answer is still known as a call's. */
  readonly calls = new Map<string, TrackedCall>();
  /** The stand-in name of a hidden or unknown tool's call in this exchange, for its routing headers (post.ts). */
  standIn: string | null = null;
  /** The POST was one message the gateway refused as an invalid request (HTTP 400). */
  refusedInvalid = false;

  constructor(
    readonly scope: ExchangeScope,
    private readonly audit: AuditSink,
    private readonly limiter: RateLimiter,
    /** Applies the drift check to the tools/list answers this exchange passes on; without it, only policy filters them. */
    readonly drift?: DriftGuard,
  ) {}

  track(t: Tracked) {
    const key = idKey(t.id);
    this.tracked.set(key, t);
    if (t.kind === "call") {
      this.calls.set(key, t);
      if (t.probe) this.standIn = t.probe.name;
    }
  }

  get needsInspection(): boolean {
    return this.tracked.size > 0 || this.localResponses.length > 0;
  }

  /**
   * A response from the upstream arrived (or, with `failure`, none will): settle the call's
   * reservation and write its audit event. Quota follows execution: it is given back only for a
   * JSON-RPC error (the server rejected the request) or a failure that certainly ran nothing; an
   * isError result, a timeout or a cut stream keep it (docs/policy-language.md, "Quota").
   */
  async settle(id: JsonRpcId | null | undefined, response: { result?: unknown; error?: unknown } | null, failure?: Unanswered) {
    const key = idKey(id ?? null);
    const t = this.tracked.get(key);
    if (!t) return;
    this.tracked.delete(key);
    if (t.kind !== "call") return;
    const rejected = response !== null && response.error !== undefined;
    const notRun = rejected || failure?.notRun === true;
    if (t.reservation) await (notRun ? this.limiter.rollback(t.reservation) : this.limiter.commit(t.reservation)).catch(() => {});
    // A stand-in call's answer is the server's word that the tool does not exist: no upstream error of the call's.
    if (t.probe) return this.recordCall(t, performance.now() - t.startedAt, failure ? failure.reason : null);
    const toolFailed = (response?.result as { isError?: unknown } | undefined)?.isError === true;
    const upstreamError = failure?.reason ?? (rejected ? describeRpcError(response.error) : toolFailed ? "the tool reported an error (isError)" : null);
    this.recordCall(t, performance.now() - t.startedAt, upstreamError);
  }

  /** Everything still pending will get no answer from the upstream (see Unanswered). */
  async failPending(reason: string, notRun = false) {
    for (const t of [...this.tracked.values()]) await this.settle(t.id, null, { reason, notRun });
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
