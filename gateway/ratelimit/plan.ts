/**
 * Store-independent reserve logic: validating requests, naming the per-window counters, deciding
 * which request fails, and turning stored counts into answers. The memory store runs `firstFailure`
 * itself; the Redis store runs the same rule inside its Lua script (redis-scripts.ts) so that the
 * check and the increment are one atomic step.
 */

import { InvalidLimitRequestError } from "./errors";
import type { LimitRequest, LimitResult, ReservedUnit } from "./types";
import { WINDOW_MS, windowBounds } from "./windows";

/** A validated request bound to the window that contains `nowMs`. */
export interface PreparedRequest {
  request: LimitRequest;
  storageKey: string;
  windowEndMs: number;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Throws `InvalidLimitRequestError` on the first request that breaks the contract. */
export function assertValidRequest(request: LimitRequest, index: number): void {
  if (typeof request.key !== "string" || request.key.length === 0) {
    throw new InvalidLimitRequestError(`request ${index}: key must be a non-empty string`);
  }
  if (!Object.hasOwn(WINDOW_MS, request.window)) {
    throw new InvalidLimitRequestError(`request ${index}: unknown window \`${String(request.window)}\``);
  }
  if (!isCount(request.max)) {
    throw new InvalidLimitRequestError(`request ${index}: max must be a non-negative safe integer`);
  }
  if (!isCount(request.cost)) {
    throw new InvalidLimitRequestError(`request ${index}: cost must be a non-negative safe integer`);
  }
}

/**
 * The counter of one key in one window. The key is parsed from the right (window name, then
 * start), so distinct (key, window, start) triples never share a storage key.
 */
export function storageKeyOf(request: LimitRequest, windowStartMs: number): string {
  return `${request.key}:${request.window}:${windowStartMs}`;
}

export function prepareRequests(requests: readonly LimitRequest[], nowMs: number): PreparedRequest[] {
  if (!Number.isFinite(nowMs)) throw new InvalidLimitRequestError("nowMs must be a finite number");
  const prepared: PreparedRequest[] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i];
    assertValidRequest(request, i);
    const { startMs, endMs } = windowBounds(WINDOW_MS[request.window], nowMs);
    prepared[i] = { request, storageKey: storageKeyOf(request, startMs), windowEndMs: endMs };
  }
  return prepared;
}

/**
 * Index of the first request that does not fit, or -1 when all fit. Requests are applied in
 * order, so two requests on the same counter see each other's cost. `stored[i]` is the count of
 * request i's counter before this reserve.
 */
export function firstFailure(prepared: readonly PreparedRequest[], stored: readonly number[]): number {
  if (prepared.length === 1) {
    const { max, cost } = prepared[0].request;
    return stored[0] + cost > max ? 0 : -1;
  }
  const pending = new Map<string, number>();
  for (let i = 0; i < prepared.length; i++) {
    const { storageKey, request } = prepared[i];
    const next = (pending.get(storageKey) ?? stored[i]) + request.cost;
    if (next > request.max) return i;
    pending.set(storageKey, next);
  }
  return -1;
}

/** Final count of every counter touched by an admitted reserve, keyed by storage key. */
function finalCounts(prepared: readonly PreparedRequest[], stored: readonly number[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < prepared.length; i++) {
    const { storageKey, request } = prepared[i];
    counts.set(storageKey, (counts.get(storageKey) ?? stored[i]) + request.cost);
  }
  return counts;
}

/**
 * Answers for every request. When admitted, `remaining` is what is left after this reserve; when
 * refused, nothing was counted, so it is what was left before.
 */
export function buildResults(
  prepared: readonly PreparedRequest[],
  stored: readonly number[],
  admitted: boolean,
  nowMs: number,
): LimitResult[] {
  const counts = admitted ? finalCounts(prepared, stored) : null;
  return prepared.map(({ request, storageKey, windowEndMs }, i) => {
    const used = counts ? (counts.get(storageKey) as number) : stored[i];
    return {
      key: request.key,
      window: request.window,
      limit: request.max,
      remaining: Math.max(0, request.max - used),
      resetMs: windowEndMs - nowMs,
      resetAtMs: windowEndMs,
    };
  });
}

export function reservedUnits(prepared: readonly PreparedRequest[]): ReservedUnit[] {
  return prepared.map(({ storageKey, request, windowEndMs }) => ({
    storageKey,
    cost: request.cost,
    windowEndMs,
  }));
}
