/**
 * Picks the store: Redis when a URL is configured (several replicas must share counters),
 * otherwise memory. The caller passes the URL (e.g. `process.env.REDIS_URL`) so gateway code
 * never reads the environment itself.
 */

import { MemoryRateLimiter, type MemoryRateLimiterOptions } from "./memory-store";
import { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis-store";
import type { RateLimiter } from "./types";

export interface CreateRateLimiterOptions {
  redisUrl?: string;
  memory?: Omit<MemoryRateLimiterOptions, "now">;
  redis?: Omit<RedisRateLimiterOptions, "url" | "now">;
  now?: () => number;
}

export function createRateLimiter(options: CreateRateLimiterOptions = {}): RateLimiter {
  if (options.redisUrl) {
    return new RedisRateLimiter({ ...options.redis, url: options.redisUrl, now: options.now });
  }
  return new MemoryRateLimiter({ ...options.memory, now: options.now });
}
