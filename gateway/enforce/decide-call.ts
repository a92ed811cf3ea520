import { callOperation, evaluate, formatDecision, isHidden, rateLimitedDecision, type Decision, type RiskCategory, type ToolInfo } from "../policy";
import { LimiterUnavailableError, toLimitRequest, type RateLimiter, type Reservation } from "../ratelimit";
import type { ApprovalStore, GatewayStore, GrantRecord, PolicyHandle, UpstreamConfig } from "../ports";
import { approvalKey, approvedDecision, checkApproval } from "./approval-call";
import type { JsonRpcRequest } from "../proxy/jsonrpc";
import type { SessionHistory } from "./session-history";
import type { DriftGuard } from "../inventory/drift-guard";
import { probeFor, type UnknownToolProbe } from "./unknown-tool";

// One tools/call, decided: evaluate the policy, then reserve its limits (all or nothing).
// Either the call is forwarded (with a reservation to commit or roll back once the upstream
// answered) or the gateway answers it itself with the policy's result.

export interface CallScope {
  /** The client declared URL-mode elicitation (elicit mode can ask it). */
  clientElicitsUrl?: boolean;
  grant: GrantRecord;
  server: UpstreamConfig;
  sessionId: string | null;
  /** The policy in force; null when none is published (every call is denied). */
  policy: PolicyHandle | null;
  /**
   * Lists the upstream's tools to learn of one the inventory does not know (drift-guard.ts);
   * true when it was listed. Absent where no listing can be made (a held call's second decision).
   */
  refreshInventory?: () => Promise<boolean>;
}

export interface CallDeps {
  store: GatewayStore;
  limiter: RateLimiter;
  history: SessionHistory;
  /** Approval requests; without a store, calls that need approval are denied. */
  approvals?: ApprovalStore;
  /** The dashboard page where an approver decides a request, told to the agent. */
  approvalUrl?: (approvalId: string) => string;
  /** Drift this process saw and may not have recorded yet. */
  drift?: DriftGuard;
}

export type CallOutcome = (
  | {
      forward: true;
      tool: string;
      decision: Decision;
      reservation: Reservation | null;
      category?: RiskCategory;
      approvalId?: string;
      /** A hidden or unknown tool: this stand-in call is forwarded instead, and its answer told as the tool's (unknown-tool.ts). */
      probe?: UnknownToolProbe;
    }
  | { forward: false; tool: string; decision: Decision; response: Record<string, unknown>; approvalId?: string; hold?: HoldRequest }
) & {
  /** A multiplexed tool's operation, for the audit log (absent for other tools). */
  operation?: string;
};

/** hold and elicit modes: the call may be kept open until this time (the rule's hold time or the request's expiry). */
export interface HoldRequest {
  approvalId: string;
  until: number;
  /** elicit mode: ask the user in the client to open this approval page. */
  elicitUrl?: string;
}

const NO_POLICY: Decision = Object.freeze({
  effect: "deny",
  rule: null,
  message: "no policy is published for this server, so every tool call is denied until one is",
  reason: "no published policy",
  limits: Object.freeze([]),
}) as Decision;

/** A tool new or changed since it was reviewed, on a server that asks for review. */
export function pendingReview(tool: string, since: string | undefined, change: string | undefined): Decision {
  const when = since ? ` since ${since}` : "";
  const what = change ? ` (${change})` : "";
  const message = `${tool} is pending review${when}${what}: its definition is not the one a person approved, so it cannot be called until a policy manager reviews it in Toolgate (Servers → the server → Tools)`;
  return { effect: "deny", rule: null, message, reason: "tool pending review", limits: [] };
}

/** A tool the server does not list: answered exactly as the server answers for a tool it does not have. */
const NOT_LISTED: Decision = Object.freeze({
  effect: "hide",
  rule: null,
  message: "the server does not list a tool of this name",
  reason: "unknown tool",
  limits: Object.freeze([]),
}) as Decision;

function failClosed(what: string): Decision {
  const message = `${what} is unavailable, so the call is denied; try again shortly`;
  return { effect: "deny", rule: null, message, reason: message, limits: [] };
}

export async function decideToolCall(deps: CallDeps, scope: CallScope, msg: JsonRpcRequest): Promise<CallOutcome | null> {
  const params = msg.params ?? {};
  const tool = params.name;
  // A malformed call is the upstream's to reject, exactly as it would without the gateway.
  if (typeof tool !== "string") return null;
  const args = (typeof params.arguments === "object" && params.arguments !== null ? params.arguments : {}) as Record<string, unknown>;
  if (!scope.policy) return local(msg, tool, NO_POLICY);
  // Hidden means unknown: the agent gets what the server says of a tool it does not have.
  if (isHidden(scope.policy.compiled, tool)) return probeFor(msg, tool, evaluate(scope.policy.compiled, { tool, args }));

  let info: ToolInfo | undefined;
  let unknownWhenMissing = false;
  try {
    info = await deps.store.toolInfo(scope.server.serverId, tool);
    // A tool the inventory has never seen: the upstream's own list says whether it is new (drift) or does not exist.
    let listed = false;
    if (info === undefined && scope.refreshInventory) {
      listed = await scope.refreshInventory();
      if (listed) info = await deps.store.toolInfo(scope.server.serverId, tool);
    }
    if (info === undefined && !listed) {
      const inventory = await deps.store.inventory(scope.server.serverId);
      unknownWhenMissing = inventory.review && inventory.baseline;
    } else unknownWhenMissing = info === undefined;
  } catch {
    // Rules can depend on the tool's risk category: without the store, fail closed.
    return local(msg, tool, failClosed("the policy store"));
  }
  // Not listed by the server, or (when it could not be listed) not reviewed on a server that asks
  // for review: unknown. Before any baseline, or without review, a call policy allows is
  // forwarded and the server answers for itself.
  if (unknownWhenMissing) return probeFor(msg, tool, NOT_LISTED);
  // The audit log names a multiplexed tool's operation; any other tool costs one cached lookup.
  const operation = callOperation(scope.policy.compiled, tool, args, info);
  const driftedSince = deps.drift?.driftedSince(scope.server.serverId, tool);
  if (info?.pendingReview || driftedSince !== undefined) {
    return withOperation(local(msg, tool, pendingReview(tool, info?.pendingSince ?? driftedSince, info?.pendingChange ?? "its definition changed")), operation);
  }
  const history = scope.sessionId ? deps.history.get(scope.sessionId, tool) : undefined;
  const decision = evaluate(
    scope.policy.compiled,
    { tool, args },
    {
      grant: { id: scope.grant.id, label: scope.grant.label, metadata: scope.grant.metadata },
      // A new session has counted nothing yet: zero, not "unknown" (which would deny).
      session: scope.sessionId ? { id: scope.sessionId, ...(history ?? { call_count: 0, tool_counts: {}, category_counts: {} }) } : undefined,
      server: { id: scope.server.serverId },
      org: { id: scope.grant.orgId },
      tool: info,
    },
  );
  if (decision.effect === "require_approval") {
    return withOperation(await decideApproval(deps, { ...scope, policy: scope.policy }, msg, tool, args, decision, info?.category), operation);
  }
  if (decision.effect !== "allow") return withOperation(local(msg, tool, decision), operation);
  const limits = await reserveLimits(deps, scope, msg, tool, decision);
  if (!limits.ok) return withOperation(limits.outcome, operation);
  return withOperation({ forward: true, tool, decision, reservation: limits.reservation, category: info?.category }, operation);
}

/** Names the operation on an outcome (a fresh object) only when there is one: other calls allocate nothing more. */
function withOperation(outcome: CallOutcome, operation: string | null): CallOutcome {
  if (operation !== null) outcome.operation = operation;
  return outcome;
}

/**
 * A call behind a human's approval. Its limits are reserved first, so that a call over its limit
 * does not use up its approval; without an approval to use, the reservation is given back.
 */
async function decideApproval(
  deps: CallDeps,
  scope: CallScope & { policy: PolicyHandle },
  msg: JsonRpcRequest,
  tool: string,
  args: Record<string, unknown>,
  decision: Decision,
  category: RiskCategory | undefined,
): Promise<CallOutcome> {
  if (!deps.approvals) return local(msg, tool, failClosed("the approval store"));
  const limits = await reserveLimits(deps, scope, msg, tool, decision);
  if (!limits.ok) return limits.outcome;
  const giveBack = () => (limits.reservation ? deps.limiter.rollback(limits.reservation).catch(() => {}) : undefined);
  let verdict;
  try {
    verdict = await checkApproval(deps.approvals, approvalKey(scope, tool, args, decision), args, decision);
  } catch {
    await giveBack();
    return local(msg, tool, failClosed("the approval store"));
  }
  if (verdict.kind === "approved") {
    return { forward: true, tool, decision: approvedDecision(decision, verdict.approvalId), reservation: limits.reservation, category, approvalId: verdict.approvalId };
  }
  await giveBack();
  if (verdict.kind === "denied") return { ...local(msg, tool, verdict.decision), approvalId: verdict.approval.id };
  const { id, previousExpiredId } = verdict.approval;
  const note = previousExpiredId ? `The earlier request ${previousExpiredId} for this same call expired without a decision; this is a new one.` : undefined;
  const formatted = formatDecision(decision, { tool, approvalId: id, approvalUrl: deps.approvalUrl?.(id), note });
  const mode = decision.approval?.mode;
  const until = Math.min(Date.now() + (decision.approval?.holdSeconds ?? 60) * 1000, verdict.approval.expiresAt.getTime());
  const pageUrl = deps.approvalUrl?.(id);
  // elicit falls back to retry where the client cannot show a URL (or no page address is known).
  const hold =
    mode === "hold" ? { approvalId: id, until } : mode === "elicit" && scope.clientElicitsUrl && pageUrl ? { approvalId: id, until, elicitUrl: pageUrl } : undefined;
  return { forward: false, tool, decision, response: { jsonrpc: "2.0", id: msg.id, ...formatted }, approvalId: id, hold };
}

/** Reserves the decision's limits, all or nothing; or the answer when that fails. */
async function reserveLimits(
  deps: CallDeps,
  scope: CallScope,
  msg: JsonRpcRequest,
  tool: string,
  decision: Decision,
): Promise<{ ok: true; reservation: Reservation | null } | { ok: false; outcome: CallOutcome }> {
  if (decision.limits.length === 0) return { ok: true, reservation: null };
  const ctx = { orgId: scope.grant.orgId, serverId: scope.server.serverId, grantId: scope.grant.id, sessionId: scope.sessionId ?? undefined };
  let reserved;
  try {
    reserved = await deps.limiter.reserve(decision.limits.map((l) => toLimitRequest(l, ctx, l.cost)));
  } catch (err) {
    if (err instanceof LimiterUnavailableError || (err as Error).name === "LimitScopeUnavailableError") {
      return { ok: false, outcome: local(msg, tool, failClosed((err as Error).name === "LimitScopeUnavailableError" ? "a session (this limit counts per session)" : "the rate limiter")) };
    }
    throw err;
  }
  if (!reserved.ok) {
    const full = decision.limits[reserved.failedIndex];
    return { ok: false, outcome: local(msg, tool, rateLimitedDecision(full, reserved.results[reserved.failedIndex].resetMs)) };
  }
  return { ok: true, reservation: reserved.reservation };
}

function local(msg: JsonRpcRequest, tool: string, decision: Decision): CallOutcome {
  const formatted = formatDecision(decision, { tool, unknownTool: "jsonrpc-error" });
  return { forward: false, tool, decision, response: { jsonrpc: "2.0", id: msg.id, ...formatted } };
}

export { failClosed };
