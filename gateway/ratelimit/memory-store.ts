/**
 * In-process counters: the default store for a single gateway process.
 *
 * JavaScript runs one reserve at a time, so checking and counting in one synchronous step makes
 * it atomic without locks. Memory is bounded two ways: counters are grouped by the instant their
 * window ends and a group is dropped as soon as the clock passes it (checked on every reserve, so
 * no timer is needed and the injected clock drives it), and a hard cap on live counters makes the
 * store refuse new counters (fail closed) rather than forget live ones, which would over-admit.
 */

import { LimiterUnavailableError } from "./errors";
import { buildResults, counterId, firstFailure, prepareRequests, reservedUnits, type PreparedRequest } from "./plan";
import { claimSettlement } from "./reservation";
import type { Clock, LimitRequest, RateLimiter, Reservation, ReserveResult } from "./types";

export interface MemoryRateLimiterOptions {
  now?: Clock;
  /** Hard cap on live counters; about 150 bytes each. Default 1,000,000. */
  maxEntries?: number;
}

interface Counter {
  count: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, Counter>();
  /** Window end (epoch ms) → ids of the counters that die then. */
  private readonly expiries = new Map<number, string[]>();
  private earliestExpiryMs = Number.POSITIVE_INFINITY;
  private readonly now: Clock;
  private readonly maxEntries: number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 1_000_000;
  }

  /** Number of counters held (live ones and ended ones not yet swept), for tests and metrics. */
  get size(): number {
    return this.counters.size;
  }

  reserve(requests: readonly LimitRequest[], nowMs: number = this.now()): Promise<ReserveResult> {
    try {
      return Promise.resolve(this.reserveNow(requests, nowMs));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  commit(reservation: Reservation): Promise<void> {
    claimSettlement(reservation, "committed");
    return Promise.resolve();
  }

  rollback(reservation: Reservation, nowMs: number = this.now()): Promise<void> {
    if (!claimSettlement(reservation, "rolled_back")) return Promise.resolve();
    for (const unit of reservation.units) {
      // A counter of an ended window is dead; its successor has another key and stays untouched.
      if (unit.windowEndMs <= nowMs) continue;
      const counter = this.counters.get(counterId(unit.key, unit.window, unit.windowStartMs));
      if (counter) counter.count = Math.max(0, counter.count - unit.cost);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.counters.clear();
    this.expiries.clear();
    this.earliestExpiryMs = Number.POSITIVE_INFINITY;
    return Promise.resolve();
  }

  /** The synchronous, hence atomic, check-and-count. */
  private reserveNow(requests: readonly LimitRequest[], nowMs: number): ReserveResult {
    const prepared = prepareRequests(requests, nowMs);
    if (nowMs >= this.earliestExpiryMs) this.sweep(nowMs);
    const found: (Counter | undefined)[] = new Array(prepared.length);
    const stored: number[] = new Array(prepared.length);
    let missing = 0;
    for (let i = 0; i < prepared.length; i++) {
      const counter = this.counters.get(prepared[i].counterId);
      found[i] = counter;
      stored[i] = counter ? counter.count : 0;
      if (!counter) missing++;
    }
    const failedIndex = firstFailure(prepared, stored);
    if (failedIndex >= 0) {
      return { ok: false, results: buildResults(prepared, stored, false, nowMs), failedIndex };
    }
    if (missing > 0) this.ensureCapacity(missing, nowMs);
    this.count(prepared, found);
    const reservation: Reservation = { units: reservedUnits(prepared), state: "pending" };
    return { ok: true, results: buildResults(prepared, stored, true, nowMs), reservation };
  }

  /** Adds every cost; `found[i]` is request i's counter if it existed before this reserve. */
  private count(prepared: readonly PreparedRequest[], found: readonly (Counter | undefined)[]): void {
    for (let i = 0; i < prepared.length; i++) {
      const { counterId: id, request, windowEndMs } = prepared[i];
      // A counter created earlier in this loop (same key twice) is not in `found`.
      const counter = found[i] ?? this.counters.get(id);
      if (counter) {
        counter.count += request.cost;
        continue;
      }
      this.counters.set(id, { count: request.cost });
      this.trackExpiry(id, windowEndMs);
    }
  }

  private trackExpiry(id: string, windowEndMs: number): void {
    const ids = this.expiries.get(windowEndMs);
    if (ids) ids.push(id);
    else this.expiries.set(windowEndMs, [id]);
    if (windowEndMs < this.earliestExpiryMs) this.earliestExpiryMs = windowEndMs;
  }

  /** Drops every counter whose window has ended. Windows are aligned, so groups are few. */
  private sweep(nowMs: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [windowEndMs, ids] of this.expiries) {
      if (windowEndMs > nowMs) {
        if (windowEndMs < earliest) earliest = windowEndMs;
        continue;
      }
      for (const id of ids) this.counters.delete(id);
      this.expiries.delete(windowEndMs);
    }
    this.earliestExpiryMs = earliest;
  }

  private ensureCapacity(needed: number, nowMs: number): void {
    if (this.counters.size + needed <= this.maxEntries) return;
    this.sweep(nowMs);
    if (this.counters.size + needed <= this.maxEntries) return;
    throw new LimiterUnavailableError(
      `memory rate limiter full: ${this.counters.size} live counters, cap ${this.maxEntries}`,
    );
  }
}
