/**
 * Counter keys for policy limits.
 *
 * A policy limit names a counter and a scope; the scope decides whose calls share the counter:
 *   grant   → one agent token on one server   org:<org>:srv:<server>:grant:<grant>:c:<counter>
 *   session → one MCP session on one server   org:<org>:srv:<server>:sess:<session>:c:<counter>
 *   server  → every caller of one server      org:<org>:srv:<server>:c:<counter>
 *   org     → every call in the organization  org:<org>:c:<counter>
 * Grant and session counters include the server because policies are per server: two servers'
 * policies that reuse a counter name must not drain each other's quota. Every component is
 * percent-encoded when it holds anything beyond [A-Za-z0-9_.-], so an id containing ":" cannot
 * forge another scope's key.
 */

import { LimitScopeUnavailableError } from "./errors";
import type { LimitRequest } from "./types";
import type { WindowName } from "./windows";

export type LimitScope = "grant" | "session" | "server" | "org";

/** A limit as resolved from a policy (the subset the limiter needs). */
export interface ScopedLimit {
  counter: string;
  scope: LimitScope;
  window: WindowName;
  max: number;
}

/** Who is calling: the ids a scope can resolve to. */
export interface LimitContext {
  orgId: string;
  serverId: string;
  grantId?: string;
  sessionId?: string;
}

const PLAIN = /^[A-Za-z0-9_.-]*$/;

function part(value: string): string {
  return PLAIN.test(value) ? value : encodeURIComponent(value);
}

function scopeOwner(limit: Pick<ScopedLimit, "counter" | "scope">, context: LimitContext): string {
  const server = `org:${part(context.orgId)}:srv:${part(context.serverId)}`;
  switch (limit.scope) {
    case "org":
      return `org:${part(context.orgId)}`;
    case "server":
      return server;
    case "grant":
      if (!context.grantId) throw new LimitScopeUnavailableError("grant", limit.counter);
      return `${server}:grant:${part(context.grantId)}`;
    case "session":
      if (!context.sessionId) throw new LimitScopeUnavailableError("session", limit.counter);
      return `${server}:sess:${part(context.sessionId)}`;
    default:
      throw new LimitScopeUnavailableError(String(limit.scope), limit.counter);
  }
}

/** The fully scoped counter key of `limit` for the calling context. */
export function scopedLimitKey(limit: Pick<ScopedLimit, "counter" | "scope">, context: LimitContext): string {
  return `${scopeOwner(limit, context)}:c:${part(limit.counter)}`;
}

/**
 * The limiter request for one policy limit. `cost` is 1 for a call counter, or the value of the
 * limit's `increment_from` argument for a spend cap (already rounded up to an integer).
 */
export function toLimitRequest(limit: ScopedLimit, context: LimitContext, cost = 1): LimitRequest {
  return { key: scopedLimitKey(limit, context), window: limit.window, max: limit.max, cost };
}
