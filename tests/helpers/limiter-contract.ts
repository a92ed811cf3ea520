/**
 * The rate limiter contract as a test suite, run against every store (memory in the unit
 * project, Redis in the integration project) so both keep exactly the same semantics.
 */

import { describe, expect, it } from "vitest";
import { InvalidLimitRequestError } from "../../gateway/ratelimit/errors";
import type { LimitRequest, RateLimiter, Reservation } from "../../gateway/ratelimit/types";

export interface LimiterHarness {
  limiter: RateLimiter;
  /** The store's clock, moved by the test. */
  clock: { nowMs: number };
}

/** 2025-03-04T12:34:56.789Z: not aligned to any window, so alignment bugs show. */
export const T0 = Date.UTC(2025, 2, 4, 12, 34, 56, 789);

let keySequence = 0;
/** A key no other test uses, so tests may share one Redis. */
export function freshKey(label: string): string {
  keySequence += 1;
  return `test:${process.pid}:${Date.now()}:${keySequence}:${label}`;
}

function req(key: string, max: number, cost = 1, window: LimitRequest["window"] = "minute"): LimitRequest {
  return { key, window, max, cost };
}

async function admittedCount(limiter: RateLimiter, calls: LimitRequest[][]): Promise<number> {
  const answers = await Promise.all(calls.map((requests) => limiter.reserve(requests)));
  return answers.filter((answer) => answer.ok).length;
}

export function describeLimiterContract(name: string, setup: () => Promise<LimiterHarness>): void {
  describe(`${name}: windows`, () => {
    it("aligns every window to UTC and reports the time to its end", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("align");
      const answer = await limiter.reserve([
        req(key, 5, 1, "second"),
        req(key, 5, 1, "minute"),
        req(key, 5, 1, "hour"),
        req(key, 5, 1, "day"),
      ]);
      expect(answer.ok).toBe(true);
      const resets = answer.results.map((result) => [result.resetMs, result.resetAtMs]);
      expect(resets).toEqual([
        [211, Date.UTC(2025, 2, 4, 12, 34, 57)],
        [3_211, Date.UTC(2025, 2, 4, 12, 35, 0)],
        [25 * 60_000 + 3_211, Date.UTC(2025, 2, 4, 13, 0, 0)],
        [11 * 3_600_000 + 25 * 60_000 + 3_211, Date.UTC(2025, 2, 5)],
      ]);
    });

    it("keeps the same window up to the last millisecond and starts afresh at its end", async () => {
      const { limiter, clock } = await setup();
      const key = freshKey("boundary");
      const windowEndMs = Date.UTC(2025, 2, 4, 12, 35, 0);
      clock.nowMs = windowEndMs - 1;
      expect((await limiter.reserve([req(key, 1)])).ok).toBe(true);
      const refused = await limiter.reserve([req(key, 1)]);
      expect(refused.ok).toBe(false);
      expect(refused.results[0].resetMs).toBe(1);
      clock.nowMs = windowEndMs;
      const fresh = await limiter.reserve([req(key, 1)]);
      expect(fresh.ok).toBe(true);
      expect(fresh.results[0].resetMs).toBe(60_000);
    });

    it("accepts an explicit nowMs over the store clock", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const answer = await limiter.reserve([req(freshKey("explicit"), 1, 1, "second")], T0 + 500);
      expect(answer.results[0].resetMs).toBe(1_000 - ((T0 + 500) % 1_000));
    });
  });

  describe(`${name}: counting`, () => {
    it("admits max calls per window, counts remaining down, then refuses", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("max");
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        const answer = await limiter.reserve([req(key, 3)]);
        expect(answer.ok).toBe(true);
        remaining.push(answer.results[0].remaining);
      }
      expect(remaining).toEqual([2, 1, 0]);
      const refused = await limiter.reserve([req(key, 3)]);
      expect(refused).toMatchObject({ ok: false, failedIndex: 0, results: [{ limit: 3, remaining: 0 }] });
    });

    it("refuses everything when max is 0", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      expect((await limiter.reserve([req(freshKey("zero"), 0)])).ok).toBe(false);
    });

    it("counts cost units, for spend caps", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("spend");
      expect((await limiter.reserve([req(key, 100, 60, "day")])).results[0].remaining).toBe(40);
      const over = await limiter.reserve([req(key, 100, 50, "day")]);
      expect(over).toMatchObject({ ok: false, results: [{ remaining: 40 }] });
      expect((await limiter.reserve([req(key, 100, 40, "day")])).ok).toBe(true);
      expect((await limiter.reserve([req(key, 100, 0, "day")])).ok).toBe(true);
      expect((await limiter.reserve([req(key, 100, 1, "day")])).ok).toBe(false);
    });

    it("refuses a single request whose cost exceeds max, even on a fresh counter", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("toolarge");
      expect((await limiter.reserve([req(key, 10, 11)])).ok).toBe(false);
      expect((await limiter.reserve([req(key, 10, 10)])).ok).toBe(true);
    });

    it("rejects requests that break the contract", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("invalid");
      const bad = [req(key, 10, 1.5), req(key, 10, -1), req(key, 1.5), req("", 1)];
      for (const request of bad) {
        await expect(limiter.reserve([request])).rejects.toBeInstanceOf(InvalidLimitRequestError);
      }
      const badWindow = { ...req(key, 1), window: "week" } as unknown as LimitRequest;
      await expect(limiter.reserve([badWindow])).rejects.toBeInstanceOf(InvalidLimitRequestError);
    });
  });

  describe(`${name}: all or nothing`, () => {
    it("counts none of the requests when one would exceed", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const tool = freshKey("tool");
      const all = freshKey("all");
      expect((await limiter.reserve([req(all, 1)])).ok).toBe(true);
      const refused = await limiter.reserve([req(tool, 5), req(all, 1)]);
      expect(refused).toMatchObject({ ok: false, failedIndex: 1 });
      expect(refused.results.map((result) => result.remaining)).toEqual([5, 0]);
      // The tool counter was not touched: its whole max is still there.
      expect((await limiter.reserve([req(tool, 5, 5)])).ok).toBe(true);
    });

    it("names the first failing request", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const answer = await limiter.reserve([req(freshKey("a"), 1), req(freshKey("b"), 0), req(freshKey("c"), 0)]);
      expect(answer).toMatchObject({ ok: false, failedIndex: 1 });
    });

    it("adds up two requests on the same counter", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("dup");
      expect(await limiter.reserve([req(key, 3, 2), req(key, 3, 2)])).toMatchObject({ ok: false, failedIndex: 1 });
      const both = await limiter.reserve([req(key, 4, 2), req(key, 4, 2)]);
      expect(both.ok).toBe(true);
      expect(both.results.map((result) => result.remaining)).toEqual([0, 0]);
    });

    it("admits an empty request list", async () => {
      const { limiter } = await setup();
      expect((await limiter.reserve([])).ok).toBe(true);
    });
  });

  describe(`${name}: commit and rollback`, () => {
    async function reserveOk(limiter: RateLimiter, requests: LimitRequest[]): Promise<Reservation> {
      const answer = await limiter.reserve(requests);
      if (!answer.ok) throw new Error("expected the reserve to be admitted");
      return answer.reservation;
    }

    it("gives units back on rollback and keeps them on commit", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("rollback");
      const first = await reserveOk(limiter, [req(key, 2)]);
      const second = await reserveOk(limiter, [req(key, 2)]);
      await limiter.commit(first);
      await limiter.rollback(second);
      expect(second.state).toBe("rolled_back");
      expect((await limiter.reserve([req(key, 2)])).results[0].remaining).toBe(0);
      expect((await limiter.reserve([req(key, 2)])).ok).toBe(false);
    });

    it("rolls back every counter of a multi-limit reservation", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const spend = freshKey("spend-rb");
      const calls = freshKey("calls-rb");
      const reservation = await reserveOk(limiter, [req(spend, 100, 70, "day"), req(calls, 1)]);
      await limiter.rollback(reservation);
      expect((await limiter.reserve([req(spend, 100, 100, "day"), req(calls, 1)])).ok).toBe(true);
    });

    it("settles once: a second rollback or a rollback after commit gives nothing back", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("once");
      const committed = await reserveOk(limiter, [req(key, 3)]);
      const rolled = await reserveOk(limiter, [req(key, 3)]);
      await reserveOk(limiter, [req(key, 3)]);
      await limiter.commit(committed);
      await limiter.rollback(committed);
      await limiter.rollback(rolled);
      await limiter.rollback(rolled);
      expect((await limiter.reserve([req(key, 3)])).ok).toBe(true);
      expect((await limiter.reserve([req(key, 3)])).ok).toBe(false);
    });

    it("never takes a counter below zero", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("floor");
      const reservation = await reserveOk(limiter, [req(key, 5)]);
      // Claim more units than were counted, as a corrupted or replayed reservation would.
      reservation.units = reservation.units.map((unit) => ({ ...unit, cost: 1_000 }));
      await limiter.rollback(reservation);
      expect((await limiter.reserve([req(key, 5, 5)])).ok).toBe(true);
      expect((await limiter.reserve([req(key, 5, 1)])).ok).toBe(false);
    });

    it("does not touch the next window when rolled back late", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("late");
      const reservation = await reserveOk(limiter, [req(key, 1)]);
      clock.nowMs = T0 + 60_000;
      await reserveOk(limiter, [req(key, 1)]);
      await limiter.rollback(reservation);
      expect((await limiter.reserve([req(key, 1)])).ok).toBe(false);
    });
  });

  describe(`${name}: exactness under concurrency`, () => {
    it("admits exactly max of 5,000 interleaved callers", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const key = freshKey("race");
      const calls = Array.from({ length: 5_000 }, () => [req(key, 137)]);
      expect(await admittedCount(limiter, calls)).toBe(137);
    });

    it("never exceeds any max when callers race on overlapping limits with rollbacks", async () => {
      const { limiter, clock } = await setup();
      clock.nowMs = T0;
      const keys = [freshKey("t1"), freshKey("t2"), freshKey("all")];
      const maxes = [40, 60, 70];
      const admitted = [0, 0, 0];
      const callers = Array.from({ length: 3_000 }, async (_, i) => {
        const picked = i % 2;
        const requests = [req(keys[picked], maxes[picked]), req(keys[2], maxes[2])];
        const answer = await limiter.reserve(requests);
        if (!answer.ok) return;
        if (i % 7 === 0) return limiter.rollback(answer.reservation);
        admitted[picked] += 1;
        admitted[2] += 1;
        return limiter.commit(answer.reservation);
      });
      await Promise.all(callers);
      expect(admitted[0]).toBeLessThanOrEqual(40);
      expect(admitted[1]).toBeLessThanOrEqual(60);
      expect(admitted[2]).toBeLessThanOrEqual(70);
      // The shared counter holds exactly the committed calls: rollbacks gave back all the rest.
      const left = 70 - admitted[2];
      expect((await limiter.reserve([req(keys[2], 70, left)])).ok).toBe(true);
      expect((await limiter.reserve([req(keys[2], 70, 1)])).ok).toBe(false);
    });
  });
}
