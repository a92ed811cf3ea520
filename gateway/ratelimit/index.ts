/** Exact fixed-window rate limiting with memory and Redis stores; see types.ts for the contract. */

export type {
  Clock,
  LimitRequest,
  LimitResult,
  RateLimiter,
  Reservation,
  ReservedUnit,
  ReserveResult,
} from "./types";
export { WINDOW_MS, WINDOW_NAMES, windowBounds, type WindowBounds, type WindowName } from "./windows";
export { InvalidLimitRequestError, LimiterUnavailableError, LimitScopeUnavailableError } from "./errors";
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from "./memory-store";
export { RedisRateLimiter, type RedisRateLimiterOptions } from "./redis-store";
export { createRateLimiter, type CreateRateLimiterOptions } from "./create-rate-limiter";
export { scopedLimitKey, toLimitRequest, type LimitContext, type LimitScope, type ScopedLimit } from "./keys";
export { costFromAmount } from "./cost";
