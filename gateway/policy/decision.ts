import type { ApprovalMode, LimitScope, LimitWindow } from "./schema";

/**
 * The evaluator's answer. Decisions may be shared between calls (the evaluator caches the
 * ones that do not depend on the call), so they are frozen: treat them as read-only.
 */

export type Effect = "allow" | "deny" | "hide" | "require_approval" | "rate_limited";

/** A limit the gateway must reserve before forwarding the call (all of them, or none). */
export interface ResolvedLimit {
  readonly counter: string;
  readonly window: LimitWindow;
  readonly windowMs: number;
  readonly max: number;
  readonly scope: LimitScope;
  /** 1 per call, or the value of `increment_from` for a spend cap. */
  readonly cost: number;
  /** Pointer to the limit in the document, e.g. `/tools/create_charge/limits/0`. */
  readonly rule: string;
  /** Set for spend caps: the argument path whose value is the cost. */
  readonly incrementFrom?: string;
}

export interface ApprovalRequirement {
  readonly timeoutSeconds: number;
  readonly mode: ApprovalMode;
  /** hold mode: how long the call is kept open waiting for the decision. */
  readonly holdSeconds: number;
  /** Emails (lower case) of people who may decide besides admins and policy managers; often empty. */
  readonly approvers: readonly string[];
}

export interface Decision {
  readonly effect: Effect;
  /** Pointer to the deciding field, e.g. `/tools/create_charge/deny_if/0` or `/default`. */
  readonly rule: string | null;
  /** What the agent is told: the rule's `on_deny` when it has one, else `reason`. */
  readonly message: string;
  /** The generated, technical reason, for the audit log. */
  readonly reason: string;
  /** Limits to reserve; empty unless the effect is allow or require_approval. */
  readonly limits: readonly ResolvedLimit[];
  readonly approval?: ApprovalRequirement;
  /** For rate_limited: whole seconds until the window resets. */
  readonly retryAfterSeconds?: number;
  /** For rate_limited: the limit that was full. */
  readonly limit?: ResolvedLimit;
}

export const NO_LIMITS: readonly ResolvedLimit[] = Object.freeze([]);

export function denyDecision(rule: string, reason: string, onDeny: string | null): Decision {
  return { effect: "deny", rule, message: onDeny ?? reason, reason, limits: NO_LIMITS };
}

/** Freezes a decision that will be shared between calls. */
export function shared(decision: Decision): Decision {
  Object.freeze(decision.limits);
  for (const limit of decision.limits) Object.freeze(limit);
  if (decision.approval !== undefined) Object.freeze(decision.approval);
  return Object.freeze(decision);
}

/**
 * The decision for a call the limiter refused: the limiter runs after evaluation, with the
 * limits the decision listed, and reports which one was full and when its window resets.
 * `resetInMs` is the time until the reset, not a timestamp.
 */
export function rateLimitedDecision(limit: ResolvedLimit, resetInMs: number): Decision {
  const retryAfterSeconds = Math.max(1, Math.ceil(resetInMs / 1000));
  const what =
    limit.incrementFrom === undefined
      ? `rate limit \`${limit.counter}\` reached: at most ${limit.max} calls per ${limit.window} per ${limit.scope}`
      : `spend cap \`${limit.counter}\` reached: at most ${limit.max} of \`${limit.incrementFrom}\` per ${limit.window} per ${limit.scope}`;
  const reason = `${what}, resets in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? "second" : "seconds"}`;
  return { effect: "rate_limited", rule: limit.rule, message: reason, reason, limits: NO_LIMITS, retryAfterSeconds, limit };
}
