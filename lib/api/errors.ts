// One error type for the whole API; one place (toErrorResponse) turns it into HTTP.
// Messages follow one style: lowercase, one line, no final period.
export type ErrorCode =
  | "bad_request"
  | "invalid_json"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "unsupported_media_type"
  | "upstream_error"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unsupported_media_type: 415,
  upstream_error: 502,
  internal: 500,
};

export class ApiError extends Error {
  constructor(
    public code: ErrorCode,
    message: string,
    public details?: unknown,
    public headers?: Record<string, string>,
  ) {
    super(message);
  }
  get status() {
    return STATUS[this.code];
  }
}

export function toErrorResponse(err: unknown): Response {
  if (err instanceof ApiError) {
    const body = { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
    return Response.json(body, { status: err.status, headers: err.headers });
  }
  console.error("toolgate: unhandled API error:", err);
  return Response.json({ error: { code: "internal", message: "internal server error" } }, { status: 500 });
}
