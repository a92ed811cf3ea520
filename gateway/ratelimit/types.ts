/**
 * The rate limiter contract, shared by the memory store and the Redis store.
 *
 * Modelled on unkey's limiter: several limits are checked all or nothing, each answer says
 * `{ limit, remaining, reset }`, and a `cost` lets one call count for more than one unit.
 *
 * Flow for one proxied tool call:
 *   1. `reserve(requests)` before forwarding. Either every request fits in its window and all
 *      of them are counted (`ok: true`, with a `reservation`), or none is counted and
 *      `failedIndex` names the first request that would have exceeded its `max`.
 *   2. `commit(reservation)` when the upstream call succeeded: the units stay spent.
 *      `rollback(reservation)` when it failed: the units are given back. Settling is once only;
 *      the second settle of the same reservation is a no-op.
 *
 * Guarantees:
 *   - Exact: within one window of one key no more than `max` units are ever admitted, however
 *     many callers race (and, for Redis, however many processes share the server).
 *   - Windows are fixed and aligned to UTC (see windows.ts); `resetMs` is the time until the
 *     current window ends, so "retry in N seconds" is true.
 *   - A rollback never takes a counter below zero and never touches a later window: counters are
 *     identified by (key, window length, window start), so a late rollback finds its window gone.
 *   - `cost` is a non-negative safe integer (spend caps count minor units such as cents; round
 *     fractional amounts up before calling). A single request whose cost exceeds `max` is refused.
 *   - The clock is injected (`now` option of each store, or the `nowMs` argument) so tests
 *     never sleep.
 *   - A store that cannot answer throws `LimiterUnavailableError`; callers must fail closed.
 */

import type { WindowName } from "./windows";

export type { WindowName };

/** One limit to check and count. */
export interface LimitRequest {
  /** Fully scoped counter key, e.g. built by `scopedLimitKey` (org, server, grant, counter). */
  key: string;
  window: WindowName;
  /** Units admitted per window; a non-negative safe integer. */
  max: number;
  /** Units this call consumes; 1 for a call counter, the amount for a spend cap. */
  cost: number;
}

/** The state of one request's counter after `reserve`. */
export interface LimitResult {
  key: string;
  window: WindowName;
  /** The request's `max`. */
  limit: number;
  /** Units still available in this window after this reserve (never negative). */
  remaining: number;
  /** Milliseconds until the current window ends and the counter starts again from zero. */
  resetMs: number;
  /** Epoch milliseconds (UTC) at which the current window ends. */
  resetAtMs: number;
}

/** What one request of a successful reserve counted: enough to give it back. */
export interface ReservedUnit {
  key: string;
  window: WindowName;
  /** Epoch milliseconds (UTC) of the counted window's start and end. */
  windowStartMs: number;
  windowEndMs: number;
  cost: number;
}

/**
 * A handle on counted units. Plain data so it can be logged or passed around; `state` moves from
 * "pending" to "committed" or "rolled_back" exactly once.
 */
export interface Reservation {
  units: ReservedUnit[];
  state: "pending" | "committed" | "rolled_back";
}

export type ReserveResult =
  | { ok: true; results: LimitResult[]; reservation: Reservation }
  | { ok: false; results: LimitResult[]; failedIndex: number };

export interface RateLimiter {
  /** Checks all requests and counts them all, or none. `nowMs` defaults to the store's clock. */
  reserve(requests: readonly LimitRequest[], nowMs?: number): Promise<ReserveResult>;
  /** Keeps the reserved units spent. */
  commit(reservation: Reservation): Promise<void>;
  /** Gives the reserved units back, if their windows are still current. */
  rollback(reservation: Reservation, nowMs?: number): Promise<void>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

/** Clock used by the stores; `Date.now` in production, a fake in tests. */
export type Clock = () => number;
