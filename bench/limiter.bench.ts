/**
 * Rate limiter throughput: reserve + commit pairs per second.
 * Run: npx tsx bench/limiter.bench.ts   (REDIS_URL=redis://... to use an existing Redis; otherwise
 * a throwaway redis-server is started when the binary is installed).
 * Target (issue 3): at least 500,000 reserve+commit per second for the memory store.
 */

import { spawnSync } from "node:child_process";
import { MemoryRateLimiter } from "../gateway/ratelimit/memory-store";
import { RedisRateLimiter } from "../gateway/ratelimit/redis-store";
import type { LimitRequest, RateLimiter } from "../gateway/ratelimit/types";
import { startRedisServer, type RedisServer } from "../tests/helpers/redis-server";

const MEMORY_TARGET_PER_S = 500_000;
const KEYS = 10_000;

function requestsFor(i: number, limits: 1 | 2): LimitRequest[] {
  const tool: LimitRequest = { key: `org:o:srv:s:grant:g${i % KEYS}:c:tool_rate`, window: "minute", max: 1e12, cost: 1 };
  if (limits === 1) return [tool];
  return [tool, { key: `org:o:srv:s:grant:g${i % KEYS}:c:all`, window: "hour", max: 1e12, cost: 1 }];
}

/** `workers` callers in parallel, each doing reserve then commit, `total` pairs in all. */
async function pairsPerSecond(limiter: RateLimiter, total: number, workers: number, limits: 1 | 2) {
  let next = 0;
  async function worker() {
    while (next < total) {
      const i = next++;
      const answer = await limiter.reserve(requestsFor(i, limits));
      if (!answer.ok) throw new Error("bench limits are never reached");
      await limiter.commit(answer.reservation);
    }
  }
  const startedNs = process.hrtime.bigint();
  await Promise.all(Array.from({ length: workers }, worker));
  const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  return total / seconds;
}

function fmt(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString("en-US")}/s`;
}

/** Median and best of several rounds: shared machines are noisy, one round says little. */
async function rounds(count: number, run: () => Promise<number>): Promise<{ median: number; best: number }> {
  const rates: number[] = [];
  for (let i = 0; i < count; i++) rates.push(await run());
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)], best: rates[rates.length - 1] };
}

async function benchMemory(): Promise<void> {
  const limiter = new MemoryRateLimiter();
  await pairsPerSecond(limiter, 200_000, 1, 2); // warm-up for the JIT
  for (const limits of [1, 2] as const) {
    const { median, best } = await rounds(5, () => pairsPerSecond(limiter, 1_000_000, 1, limits));
    const verdict = median >= MEMORY_TARGET_PER_S ? "meets" : "MISSES";
    const figures = `median ${fmt(median).padStart(12)}  best ${fmt(best).padStart(12)}`;
    console.log(`memory  ${limits} limit(s)/call  ${figures}  ${verdict} target ${fmt(MEMORY_TARGET_PER_S)}`);
  }
}

async function redisUrl(): Promise<{ url: string; server?: RedisServer } | null> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  const bin = process.env.REDIS_SERVER_BIN ?? "redis-server";
  if (spawnSync(bin, ["--version"], { stdio: "ignore" }).status !== 0) return null;
  const server = await startRedisServer();
  return { url: server.url, server };
}

async function benchRedis(): Promise<void> {
  const target = await redisUrl();
  if (!target) {
    console.log("redis   skipped: set REDIS_URL or install redis-server");
    return;
  }
  const limiter = new RedisRateLimiter({ url: target.url, commandTimeoutMs: 10_000, keyPrefix: `bench:${Date.now()}:` });
  try {
    await limiter.ready();
    await pairsPerSecond(limiter, 5_000, 16, 1);
    const where = target.server ? "local redis-server" : target.url;
    for (const [workers, limits] of [[1, 1], [64, 1], [64, 2]] as const) {
      const total = workers === 1 ? 10_000 : 50_000;
      const { median, best } = await rounds(3, () => pairsPerSecond(limiter, total, workers, limits));
      const figures = `median ${fmt(median).padStart(12)}  best ${fmt(best).padStart(12)}`;
      console.log(`redis   ${limits} limit(s)/call  ${figures}  (${workers} caller(s) in flight, ${where})`);
    }
  } finally {
    await limiter.close();
    await target.server?.stop();
  }
}

console.log(`rate limiter reserve+commit throughput (node ${process.version})`);
await benchMemory();
await benchRedis();
