import { sendRpcError } from "../http/respond";
import { clientResponseHeaders, upstreamRequestHeaders } from "../http/headers";
import { UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE } from "./jsonrpc";
import { sendUpstream, upstreamUrl, UpstreamError } from "./upstream";
import type { GatewayDeps, RequestScope } from "./context";

// GET (the standalone SSE stream, resumable with Last-Event-ID) and DELETE (end the session):
// nothing for policy to decide, so the upstream's answer streams back unchanged.
export async function handlePassthrough(deps: GatewayDeps, scope: RequestScope) {
  const { req, res, server } = scope;
  let upstream;
  try {
    upstream = await sendUpstream({
      url: upstreamUrl(server),
      method: req.method,
      headers: upstreamRequestHeaders(req.header, server.headers, scope.upstreamSessionId),
      timeoutMs: deps.options.upstreamTimeoutMs,
      signal: req.signal,
    });
  } catch (err) {
    if (err instanceof UpstreamError && err.kind === "aborted") return;
    const timeout = err instanceof UpstreamError && err.kind === "timeout";
    return sendRpcError(res, timeout ? 504 : 502, timeout ? UPSTREAM_TIMEOUT : UPSTREAM_UNAVAILABLE, (err as Error).message);
  }
  const status = upstream.statusCode ?? 502;
  if (status === 401 || status === 403) {
    upstream.resume();
    return sendRpcError(res, 502, UPSTREAM_UNAVAILABLE, `the upstream server refused Toolgate's credentials (HTTP ${status}): check the server's authentication settings in Toolgate`);
  }
  if (req.method === "DELETE" && status < 300 && scope.sessionKey) deps.history.forget(scope.sessionKey);
  const headers = clientResponseHeaders(upstream.headers, scope.sessionToken);
  const len = upstream.headers["content-length"];
  res.start(status, len ? { ...headers, "content-length": len } : headers);
  await res.pipeFrom(upstream);
}
