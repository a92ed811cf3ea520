/**
 * Typed limiter errors. Each carries a stable `code` and a `publicMessage` that is safe to show an
 * agent, while `message` (and `cause`) keep the internal detail for logs.
 */

/**
 * The counter store cannot answer (Redis unreachable, command timeout, memory store full).
 * The gateway must fail closed on it: a call whose quota cannot be checked is not forwarded.
 */
export class LimiterUnavailableError extends Error {
  readonly code = "limiter_unavailable";
  readonly publicMessage = "rate limiter unavailable, try again shortly";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LimiterUnavailableError";
  }
}

/** A limit request that breaks the contract (bad window, negative or fractional cost...). */
export class InvalidLimitRequestError extends Error {
  readonly code = "invalid_limit_request";
  readonly publicMessage = "invalid rate limit configuration";

  constructor(message: string) {
    super(message);
    this.name = "InvalidLimitRequestError";
  }
}

/** A limit uses a scope the current call cannot provide (e.g. `session` on a sessionless call). */
export class LimitScopeUnavailableError extends Error {
  readonly code = "limit_scope_unavailable";
  readonly publicMessage: string;

  constructor(scope: string, counter: string) {
    super(`limit \`${counter}\` has scope \`${scope}\` but the call has no ${scope} id`);
    this.name = "LimitScopeUnavailableError";
    this.publicMessage = this.message;
  }
}
