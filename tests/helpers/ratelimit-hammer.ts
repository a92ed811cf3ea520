/**
 * A separate process that hammers one Redis counter, for the two-process exactness test.
 * Usage: node --import tsx tests/helpers/ratelimit-hammer.ts <redisUrl> <key> <max> <calls> <nowMs>
 * Prints "ready", waits for "go" on stdin (so both processes race at once), then prints
 * {"admitted":N,"refused":N,"errors":N} as one JSON line.
 */

import { createInterface } from "node:readline";
import { RedisRateLimiter } from "../../gateway/ratelimit/redis-store";

async function hammer(limiter: RedisRateLimiter, key: string, max: number, calls: number, nowMs: number) {
  const tally = { admitted: 0, refused: 0, errors: 0 };
  const inFlight = 64;
  let next = 0;
  async function worker() {
    while (next < calls) {
      next += 1;
      try {
        const answer = await limiter.reserve([{ key, window: "minute", max, cost: 1 }], nowMs);
        if (answer.ok) tally.admitted += 1;
        else tally.refused += 1;
      } catch {
        tally.errors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  return tally;
}

async function main() {
  const [url, key, max, calls, nowMs] = process.argv.slice(2);
  const limiter = new RedisRateLimiter({ url, commandTimeoutMs: 5_000 });
  await limiter.ready();
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === "go") break;
  const tally = await hammer(limiter, key, Number(max), Number(calls), Number(nowMs));
  process.stdout.write(`${JSON.stringify(tally)}\n`);
  lines.close();
  await limiter.close();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
