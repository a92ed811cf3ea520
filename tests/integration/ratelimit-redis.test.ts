/**
 * The Redis store against a real redis-server (started here, from Debian's package): the shared
 * limiter contract, exactness across two processes, and failing closed when Redis is unreachable
 * or frozen, then recovering by itself.
 */

import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LimiterUnavailableError } from "../../gateway/ratelimit/errors";
import { RedisRateLimiter } from "../../gateway/ratelimit/redis-store";
import { describeLimiterContract, freshKey, T0 } from "../helpers/limiter-contract";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";

const repoRoot = path.resolve(import.meta.dirname, "../..");
let server: RedisServer;
const open: RedisRateLimiter[] = [];

function limiterFor(url: string, clock: { nowMs: number }, options: { commandTimeoutMs?: number } = {}) {
  const limiter = new RedisRateLimiter({ url, now: () => clock.nowMs, ...options });
  open.push(limiter);
  return limiter;
}

beforeAll(async () => {
  server = await startRedisServer();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((limiter) => limiter.close()));
});

afterAll(async () => {
  await server?.stop();
});

describeLimiterContract("redis store", async () => {
  const clock = { nowMs: T0 };
  // The exactness cases put 5,000 scripts in flight at once; this is about counting, not latency.
  const limiter = limiterFor(server.url, clock, { commandTimeoutMs: 10_000 });
  await limiter.ready();
  return { limiter, clock };
});

/** Runs the hammer script in its own node process; resolves once it is connected. */
function startHammer(key: string, max: number, calls: number) {
  const script = path.join(repoRoot, "tests/helpers/ratelimit-hammer.ts");
  const args = ["--import", "tsx", script, server.url, key, String(max), String(calls), String(T0)];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
  const ready = next();
  return {
    ready,
    go: () => {
      const result = next();
      child.stdin.write("go\n");
      return result.then((line) => JSON.parse(line) as { admitted: number; refused: number; errors: number });
    },
  };
}

describe("redis store: two processes", () => {
  it("admits exactly max in total when two processes race on one counter", async () => {
    const key = freshKey("two-processes");
    const hammers = [startHammer(key, 500, 2_000), startHammer(key, 500, 2_000)];
    expect(await Promise.all(hammers.map((hammer) => hammer.ready))).toEqual(["ready", "ready"]);
    const tallies = await Promise.all(hammers.map((hammer) => hammer.go()));
    expect(tallies.map((tally) => tally.errors)).toEqual([0, 0]);
    expect(tallies[0].admitted + tallies[1].admitted).toBe(500);
    expect(tallies[0].refused + tallies[1].refused).toBe(3_500);
    // Both really raced: each process got a share of the window.
    expect(Math.min(tallies[0].admitted, tallies[1].admitted)).toBeGreaterThan(0);
  });
});

describe("redis store: keys", () => {
  it("expires each counter a little after its window ends", async () => {
    const clock = { nowMs: T0 };
    const limiter = limiterFor(server.url, clock);
    await limiter.ready();
    const key = freshKey("ttl");
    await limiter.reserve([{ key, window: "minute", max: 5, cost: 1 }]);
    const storageKey = `tg:rl:${key}:minute:${Date.UTC(2025, 2, 4, 12, 34)}`;
    const ttlMs = await limiter.client.pttl(storageKey);
    // 3,211 ms left in the window plus the 5,000 ms skew grace.
    expect(ttlMs).toBeGreaterThan(8_000);
    expect(ttlMs).toBeLessThanOrEqual(8_211);
  });

  it("does not recreate a counter that expired before the rollback", async () => {
    const clock = { nowMs: T0 };
    const limiter = limiterFor(server.url, clock);
    await limiter.ready();
    const key = freshKey("expired");
    const answer = await limiter.reserve([{ key, window: "minute", max: 5, cost: 1 }]);
    if (!answer.ok) throw new Error("expected admission");
    const unit = answer.reservation.units[0];
    const storageKey = `${unit.key}:${unit.window}:${unit.windowStartMs}`;
    await limiter.client.del(`tg:rl:${storageKey}`);
    await limiter.rollback(answer.reservation);
    expect(await limiter.client.exists(`tg:rl:${storageKey}`)).toBe(0);
  });
});

describe("redis store: failing closed", () => {
  async function untilAdmitted(limiter: RedisRateLimiter, deadlineMs: number): Promise<boolean> {
    while (Date.now() < deadlineMs) {
      try {
        if ((await limiter.reserve([{ key: freshKey("back"), window: "minute", max: 1, cost: 1 }])).ok) return true;
      } catch (error) {
        expect(error).toBeInstanceOf(LimiterUnavailableError);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  it("throws LimiterUnavailableError at once while Redis is down and recovers when it returns", async () => {
    const own = await startRedisServer();
    const limiter = limiterFor(own.url, { nowMs: T0 });
    await limiter.ready();
    await own.stop();
    const startedMs = Date.now();
    const request = [{ key: freshKey("down"), window: "minute" as const, max: 1, cost: 1 }];
    await expect(limiter.reserve(request)).rejects.toBeInstanceOf(LimiterUnavailableError);
    expect(Date.now() - startedMs).toBeLessThan(1_000);
    const revived = await startRedisServer({ port: own.port });
    try {
      expect(await untilAdmitted(limiter, Date.now() + 10_000)).toBe(true);
    } finally {
      await revived.stop();
    }
  });

  it("times out instead of waiting on a frozen Redis", async () => {
    const own = await startRedisServer();
    const limiter = limiterFor(own.url, { nowMs: T0 }, { commandTimeoutMs: 200 });
    await limiter.ready();
    process.kill(own.pid, "SIGSTOP");
    try {
      const startedMs = Date.now();
      const request = [{ key: freshKey("frozen"), window: "minute" as const, max: 1, cost: 1 }];
      await expect(limiter.reserve(request)).rejects.toBeInstanceOf(LimiterUnavailableError);
      expect(Date.now() - startedMs).toBeLessThan(1_000);
    } finally {
      process.kill(own.pid, "SIGCONT");
    }
    expect(await untilAdmitted(limiter, Date.now() + 10_000)).toBe(true);
    await limiter.close();
    await own.stop();
  });
});
