/**
 * Store-independent reserve logic: validating requests, binding them to windows, deciding
 * which request fails, and turning stored counts into answers. The memory store runs `firstFailure`
 * itself; the Redis store runs the same rule inside its Lua script (redis-scripts.ts) so that the
 * check and the increment are one atomic step.
 */

import { InvalidLimitRequestError } from "./errors";
import type { LimitRequest, LimitResult, ReservedUnit } from "./types";
import { WINDOW_MS, windowBounds, type WindowName } from "./windows";

/** A validated request bound to the window that contains `nowMs`. */
export interface PreparedRequest {
  request: LimitRequest;
  /** Names the (key, window length, window start) counter; see `counterId`. */
  counterId: string;
  windowStartMs: number;
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
 * The name of one key's counter in one window. It is parsed from the right (window start, then
 * window name), so distinct (key, window, start) triples never share a name, and a counter of a
 * later window never has the name of an earlier one.
 */
export function counterId(key: string, window: WindowName, windowStartMs: number): string {
  return key + windowSuffix(window, windowStartMs);
}

/**
 * Formatting an epoch in milliseconds as text is a costly step of a reserve, and V8's small
 * number-to-string cache thrashes when several windows alternate, so the last suffix of each
 * window length is memoised.
 */
const suffixes = new Map<WindowName, { startMs: number; suffix: string }>();

function windowSuffix(window: WindowName, windowStartMs: number): string {
  const cached = suffixes.get(window);
  if (cached && cached.startMs === windowStartMs) return cached.suffix;
  const suffix = `:${window}:${windowStartMs}`;
  suffixes.set(window, { startMs: windowStartMs, suffix });
  return suffix;
}

export function prepareRequests(requests: readonly LimitRequest[], nowMs: number): PreparedRequest[] {
  if (!Number.isFinite(nowMs)) throw new InvalidLimitRequestError("nowMs must be a finite number");
  const prepared: PreparedRequest[] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i];
    assertValidRequest(request, i);
    const { startMs, endMs } = windowBounds(WINDOW_MS[request.window], nowMs);
    const id = counterId(request.key, request.window, startMs);
    prepared[i] = { request, counterId: id, windowStartMs: startMs, windowEndMs: endMs };
  }
  return prepared;
}

/**
 * The count of request i's counter once requests 0..i are applied in order: requests on the same
 * counter see each other's cost. A call carries a handful of limits, so a scan beats a Map.
 */
function countThrough(prepared: readonly PreparedRequest[], stored: readonly number[], i: number): number {
  let count = stored[i];
  for (let j = 0; j <= i; j++) {
    if (sameCounter(prepared[j], prepared[i])) count += prepared[j].request.cost;
  }
  return count;
}

/** Two requests of one call share a counter when they name the same key and window length. */
export function sameCounter(a: PreparedRequest, b: PreparedRequest): boolean {
  return a === b || (a.request.window === b.request.window && a.request.key === b.request.key);
}

/**
 * Index of the first request that does not fit, or -1 when all fit. `stored[i]` is the count of
 * request i's counter before this reserve.
 */
export function firstFailure(prepared: readonly PreparedRequest[], stored: readonly number[]): number {
  for (let i = 0; i < prepared.length; i++) {
    if (countThrough(prepared, stored, i) > prepared[i].request.max) return i;
  }
  return -1;
}

/** Final count of request i's counter after an admitted reserve applied every request. */
function finalCount(prepared: readonly PreparedRequest[], stored: readonly number[], i: number): number {
  let last = prepared.length - 1;
  while (!sameCounter(prepared[last], prepared[i])) last--;
  return countThrough(prepared, stored, last);
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
  return prepared.map(({ request, windowEndMs }, i) => {
    const used = admitted ? finalCount(prepared, stored, i) : stored[i];
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
  return prepared.map(({ request, windowStartMs, windowEndMs }) => ({
    key: request.key,
    window: request.window,
    windowStartMs,
    windowEndMs,
    cost: request.cost,
  }));
}
