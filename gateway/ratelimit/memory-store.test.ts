import { describe, expect, it } from "vitest";
import { describeLimiterContract, freshKey, T0 } from "../../tests/helpers/limiter-contract";
import { LimiterUnavailableError } from "./errors";
import { MemoryRateLimiter } from "./memory-store";

describeLimiterContract("memory store", async () => {
  const clock = { nowMs: T0 };
  return { limiter: new MemoryRateLimiter({ now: () => clock.nowMs }), clock };
});

describe("memory store: bounded memory", () => {
  it("evicts counters once their window has ended", async () => {
    const clock = { nowMs: T0 };
    const limiter = new MemoryRateLimiter({ now: () => clock.nowMs });
    for (let i = 0; i < 1_000; i++) {
      await limiter.reserve([{ key: `k${i}`, window: "second", max: 1, cost: 1 }]);
      await limiter.reserve([{ key: `k${i}`, window: "hour", max: 1, cost: 1 }]);
    }
    expect(limiter.size).toBe(2_000);
    clock.nowMs = T0 + 1_000;
    await limiter.reserve([{ key: "other", window: "second", max: 1, cost: 1 }]);
    expect(limiter.size).toBe(1_001);
    clock.nowMs = T0 + 3_600_000;
    await limiter.reserve([{ key: "other", window: "second", max: 1, cost: 1 }]);
    expect(limiter.size).toBe(1);
  });

  it("stays bounded over many windows of traffic", async () => {
    const clock = { nowMs: T0 };
    const limiter = new MemoryRateLimiter({ now: () => clock.nowMs });
    let peak = 0;
    for (let second = 0; second < 300; second++) {
      clock.nowMs = T0 + second * 1_000;
      for (let caller = 0; caller < 50; caller++) {
        await limiter.reserve([{ key: `s${second}:${caller}`, window: "minute", max: 5, cost: 1 }]);
      }
      peak = Math.max(peak, limiter.size);
    }
    // One minute of distinct callers at most (plus the partial minute the run started in).
    expect(peak).toBeLessThanOrEqual(2 * 60 * 50);
  });

  it("fails closed at the entry cap instead of forgetting live counters", async () => {
    const clock = { nowMs: T0 };
    const limiter = new MemoryRateLimiter({ now: () => clock.nowMs, maxEntries: 3 });
    for (const key of ["a", "b", "c"]) await limiter.reserve([{ key, window: "minute", max: 1, cost: 1 }]);
    const overflow = limiter.reserve([{ key: "d", window: "minute", max: 1, cost: 1 }]);
    await expect(overflow).rejects.toBeInstanceOf(LimiterUnavailableError);
    // Existing counters still answer, and still refuse: nothing was forgotten.
    expect((await limiter.reserve([{ key: "a", window: "minute", max: 1, cost: 1 }])).ok).toBe(false);
    clock.nowMs = T0 + 60_000;
    expect((await limiter.reserve([{ key: "d", window: "minute", max: 1, cost: 1 }])).ok).toBe(true);
  });

  it("counts nothing when the cap refuses a multi-limit reserve", async () => {
    const clock = { nowMs: T0 };
    const limiter = new MemoryRateLimiter({ now: () => clock.nowMs, maxEntries: 2 });
    const shared = freshKey("shared");
    await limiter.reserve([{ key: shared, window: "minute", max: 2, cost: 1 }]);
    const both = [
      { key: shared, window: "minute" as const, max: 2, cost: 1 },
      { key: "x", window: "minute" as const, max: 1, cost: 1 },
      { key: "y", window: "minute" as const, max: 1, cost: 1 },
    ];
    await expect(limiter.reserve(both)).rejects.toBeInstanceOf(LimiterUnavailableError);
    expect((await limiter.reserve([{ key: shared, window: "minute", max: 2, cost: 1 }])).results[0].remaining).toBe(0);
  });
});
