import { sendRpcError } from "../http/respond";
import { clientResponseHeaders, upstreamRequestHeaders } from "../http/headers";
import type { IncomingMessage } from "node:http";
import { classifyAnswer, errorResponse, POLICY_UNAVAILABLE, UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE } from "./jsonrpc";
import type { PolicyHandle } from "../ports";
import { Exchange } from "./exchange";
import { SseSplitter, serializeEvent, type SseEvent } from "./sse";
import { filterToolsAnswer } from "./transform";
import { sendUpstream, upstreamUrl, UpstreamError } from "./upstream";
import type { GatewayDeps, RequestScope } from "./context";

// GET (the standalone SSE stream, resumable with Last-Event-ID) and DELETE (end the session):
// nothing for policy to decide, so the upstream's answer streams back unchanged, except a list
// of tools replayed on a resumed stream (filtered as on the POST path).
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
  if (req.method === "GET" && String(upstream.headers["content-type"] ?? "").startsWith("text/event-stream")) {
    res.start(status, headers);
    return relayStandaloneStream(deps, scope, upstream);
  }
  const len = upstream.headers["content-length"];
  res.start(status, len ? { ...headers, "content-length": len } : headers);
  await res.pipeFrom(upstream);
}

/**
 * The standalone stream, event by event. A stream resumed with Last-Event-ID replays the
 * answers of earlier POSTs, a tools/list answer among them: it is filtered as on the POST path
 * (hidden and drifted tools left out), so no answer shows what policy hides. Every other event
 * passes byte for byte.
 */
async function relayStandaloneStream(deps: GatewayDeps, scope: RequestScope, upstream: IncomingMessage) {
  const policyId = scope.grant.policyId ?? scope.server.policyId;
  let policy: PolicyHandle | null = null;
  let policyDown = false;
  try {
    policy = policyId ? await deps.store.policy(policyId) : null;
  } catch {
    policyDown = true;
  }
  // A client that leaves ends the upstream stream too (as the plain pipe did).
  const stop = () => upstream.destroy();
  scope.req.signal.addEventListener("abort", stop, { once: true });
  const exchange = new Exchange({ grant: scope.grant, server: scope.server, sessionId: scope.sessionKey, policy }, deps.audit, deps.limiter, deps.drift);
  const splitter = new SseSplitter();
  upstream.setEncoding("utf8");
  try {
    for await (const chunk of upstream) {
      for (const ev of splitter.push(chunk as string)) await scope.res.write(await filterEvent(ev));
    }
  } catch {
    /* the upstream (or the client) went away: the stream ends */
  } finally {
    scope.req.signal.removeEventListener("abort", stop);
  }
  if (scope.req.signal.aborted) return scope.res.end();
  const rest = splitter.rest();
  if (rest) await scope.res.write(rest);
  scope.res.end();

  async function filterEvent(ev: SseEvent): Promise<string> {
    if (ev.data === undefined || !ev.data.includes('"tools"')) return ev.raw;
    let message: unknown;
    try {
      message = JSON.parse(ev.data);
    } catch {
      return ev.raw;
    }
    const m = classifyAnswer(message);
    if (m.kind !== "response") return ev.raw;
    // Fail closed: without the policy, a list of tools is not told at all.
    if (policyDown) return serializeEvent(ev, JSON.stringify(errorResponse(m.msg.id, POLICY_UNAVAILABLE, "the policy store is unavailable, so tools cannot be listed; try again shortly")));
    const filtered = await filterToolsAnswer(m.msg, exchange, policy?.compiled ?? null, false);
    return filtered === null ? ev.raw : serializeEvent(ev, JSON.stringify(filtered));
  }
}
