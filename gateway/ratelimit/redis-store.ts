/**
 * Redis counters: the store for several gateway replicas (`REDIS_URL`).
 *
 * Each counter is one Redis string per (key, window, window start) (see `counterId`), incremented by a Lua script
 * that checks every limit before counting any (redis-scripts.ts). Keys expire a little after
 * their window ends: the grace covers clock skew between replicas, which compute windows from
 * their own clocks (keep them NTP-synced), and an expired key is never reused because the next
 * window has another name.
 *
 * Failure semantics: the gateway must fail closed, so the store answers fast or throws
 * `LimiterUnavailableError`. There is no offline queue (a command while disconnected fails at
 * once), every command has a timeout, and a command in flight when the connection drops is not
 * retried (a retried reserve could count twice). A reserve that timed out may still have been
 * counted; that errs on the side of admitting less, never more. The client reconnects forever
 * with capped backoff, so the store recovers by itself when Redis returns.
 *
 * The multi-key script needs all keys on one node: standalone Redis or Sentinel, not Cluster.
 */

import { Redis } from "ioredis";
import { LimiterUnavailableError } from "./errors";
import { buildResults, counterId, prepareRequests, reservedUnits, type PreparedRequest } from "./plan";
import { RESERVE_LUA, ROLLBACK_LUA } from "./redis-scripts";
import { claimSettlement } from "./reservation";
import type { Clock, LimitRequest, RateLimiter, Reservation, ReserveResult } from "./types";

export interface RedisRateLimiterOptions {
  /** redis:// or rediss:// URL; ignored when `client` is given. */
  url?: string;
  /** An existing client; the caller owns it and `close()` leaves it open. */
  client?: Redis;
  now?: Clock;
  /** Prefix of every counter key. Default "tg:rl:". */
  keyPrefix?: string;
  /** Longest wait for one Redis reply before failing closed. Default 500 ms. */
  commandTimeoutMs?: number;
  /** Longest wait for a TCP connection. Default 1,000 ms. */
  connectTimeoutMs?: number;
  /** How long a counter outlives its window, to absorb clock skew. Default 5,000 ms. */
  expiryGraceMs?: number;
  /** Told about connection errors (they also surface as `LimiterUnavailableError`). */
  onError?: (error: Error) => void;
}

/** The Lua commands that `defineCommand` adds to the client. */
interface ScriptCommands {
  toolgateReserve(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  toolgateRollback(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

function createClient(options: RedisRateLimiterOptions): Redis {
  if (!options.url) throw new Error("RedisRateLimiter needs `url` or `client`");
  return new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    // Reconnect forever; the backoff cap bounds how long recovery takes once Redis is back.
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
  });
}

export class RedisRateLimiter implements RateLimiter {
  readonly client: Redis;
  private readonly scripts: ScriptCommands;
  private readonly ownsClient: boolean;
  private readonly now: Clock;
  private readonly keyPrefix: string;
  private readonly expiryGraceMs: number;

  constructor(options: RedisRateLimiterOptions) {
    this.ownsClient = !options.client;
    this.client = options.client ?? createClient(options);
    this.now = options.now ?? Date.now;
    this.keyPrefix = options.keyPrefix ?? "tg:rl:";
    this.expiryGraceMs = options.expiryGraceMs ?? 5_000;
    // Without a listener ioredis prints every reconnect error; the store reports them as throws.
    this.client.on("error", (error: Error) => options.onError?.(error));
    this.client.defineCommand("toolgateReserve", { lua: RESERVE_LUA });
    this.client.defineCommand("toolgateRollback", { lua: ROLLBACK_LUA });
    this.scripts = this.client as unknown as ScriptCommands;
  }

  /** Resolves once connected; rejects with `LimiterUnavailableError` after `timeoutMs`. */
  async ready(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.client.status !== "ready") {
      if (Date.now() >= deadline) {
        throw new LimiterUnavailableError(`redis not ready after ${timeoutMs} ms (${this.client.status})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async reserve(requests: readonly LimitRequest[], nowMs: number = this.now()): Promise<ReserveResult> {
    const prepared = prepareRequests(requests, nowMs);
    if (prepared.length === 0) {
      return { ok: true, results: [], reservation: { units: [], state: "pending" } };
    }
    const reply = await this.run(() => this.scripts.toolgateReserve(prepared.length, ...this.reserveArgs(prepared, nowMs)));
    const failed = Number(reply[0]);
    const stored = reply.slice(1).map(Number);
    if (failed > 0) {
      return { ok: false, results: buildResults(prepared, stored, false, nowMs), failedIndex: failed - 1 };
    }
    const reservation: Reservation = { units: reservedUnits(prepared), state: "pending" };
    return { ok: true, results: buildResults(prepared, stored, true, nowMs), reservation };
  }

  commit(reservation: Reservation): Promise<void> {
    claimSettlement(reservation, "committed");
    return Promise.resolve();
  }

  async rollback(reservation: Reservation, nowMs: number = this.now()): Promise<void> {
    if (!claimSettlement(reservation, "rolled_back")) return;
    const live = reservation.units.filter((unit) => unit.windowEndMs > nowMs);
    if (live.length === 0) return;
    const keys = live.map((unit) => this.keyPrefix + counterId(unit.key, unit.window, unit.windowStartMs));
    const costs = live.map((unit) => unit.cost);
    await this.run(() => this.scripts.toolgateRollback(keys.length, ...keys, ...costs));
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      if (this.client.status === "ready") await this.client.quit();
    } catch {
      // Quitting is best effort; disconnect below releases the socket either way.
    }
    this.client.disconnect();
  }

  /** KEYS then ARGV for RESERVE_LUA: per request max, cost and a TTL past the window end. */
  private reserveArgs(prepared: readonly PreparedRequest[], nowMs: number): (string | number)[] {
    const keys: string[] = [];
    const args: number[] = [];
    for (const { counterId: id, request, windowEndMs } of prepared) {
      keys.push(this.keyPrefix + id);
      args.push(request.max, request.cost, windowEndMs - nowMs + this.expiryGraceMs);
    }
    return [...keys, ...args];
  }

  /** Runs a command, turning every Redis failure into `LimiterUnavailableError`. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.client.status !== "ready") {
      throw new LimiterUnavailableError(`redis not connected (${this.client.status})`);
    }
    try {
      return await command();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new LimiterUnavailableError(`redis command failed: ${detail}`, { cause: error });
    }
  }
}
