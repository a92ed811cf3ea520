import { GATEWAY_ERROR, UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE } from "../jsonrpc";
import { UpstreamError } from "../upstream";

// Why a legacy bridge could not be opened or used, as the client will be told.
export class LegacyError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const refusedCredentials = (status: number) =>
  new LegacyError(502, UPSTREAM_UNAVAILABLE, `the upstream server refused Toolgate's credentials (HTTP ${status}): check the server's authentication settings in Toolgate`);

/** The answer Streamable HTTP gives for an unknown session, so that the client initializes again. */
export const sessionNotFound = () => new LegacyError(404, GATEWAY_ERROR, "Session not found: initialize a new session");

/** Any failure, in the client's terms: HTTP status, JSON-RPC code, message. */
export function describeFailure(err: unknown): LegacyError {
  if (err instanceof LegacyError) return err;
  if (err instanceof UpstreamError) return new LegacyError(err.kind === "timeout" ? 504 : 502, err.kind === "timeout" ? UPSTREAM_TIMEOUT : UPSTREAM_UNAVAILABLE, err.message);
  return new LegacyError(502, UPSTREAM_UNAVAILABLE, `upstream error: ${(err as Error).message}`);
}
