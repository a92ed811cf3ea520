import type { CompiledPolicy } from "../../policy";
import { sendJson, sendRpcError } from "../../http/respond";
import { classify, INVALID_REQUEST, type JsonRpcRequest } from "../jsonrpc";
import type { Exchange } from "../exchange";
import type { GatewayDeps, RequestScope } from "../context";
import type { LegacyBridge } from "./bridge";
import { describeFailure, sessionNotFound, type LegacyError } from "./errors";
import { openBridge } from "./open-bridge";
import type { PostOutcome } from "./post-message";
import { LegacyRequestStream } from "./request-stream";
import { SseOut } from "./sse-out";
import { legacyState } from "./state";

// A client POST to a legacy server, after the gateway's policy decided on it exactly as for
// any server (post.ts): denied calls were answered locally and are in exchange.localResponses,
// allowed calls and tools/list are tracked in the exchange, and `body` holds what may go on.
// Requests are answered as an SSE stream; notifications and responses alone get 202.

export async function relayLegacy(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, body: Buffer | string, policy: CompiledPolicy | null) {
  const messages = parseForwarded(body);
  if (scope.upstreamSessionId !== null) {
    const bridge = legacyState(deps).bridges.get(scope.upstreamSessionId, scope.grant.id, scope.server.serverId);
    if (!bridge) return answerFailure(scope, exchange, sessionNotFound());
    return relayThroughBridge(deps, scope, exchange, messages, policy, bridge, scope.sessionToken);
  }
  if (!messages.some(isInitialize)) {
    await exchange.failPending("no session", true);
    return sendRpcError(scope.res, 400, INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
  }
  let bridge: LegacyBridge;
  try {
    bridge = await openBridge(deps, scope);
  } catch (err) {
    // A server once detected as legacy may have changed: the next session detects again.
    legacyState(deps).detections.forget(scope.server);
    return answerFailure(scope, exchange, describeFailure(err));
  }
  await relayNewSession(deps, scope, exchange, messages, policy, bridge);
}

/** The initialize of a new legacy session; the client's session token names the bridge. */
export async function relayNewSession(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, messages: unknown[], policy: CompiledPolicy | null, bridge: LegacyBridge) {
  const token = deps.sealer.seal({ upstreamSessionId: bridge.identity.id, grantId: scope.grant.id, serverId: scope.server.serverId });
  await relayThroughBridge(deps, scope, exchange, messages, policy, bridge, token);
  // A session whose initialize failed will not be used: its upstream stream is closed now.
  if (!bridge.initialized) bridge.close("the initialize request failed");
}

async function relayThroughBridge(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, messages: unknown[], policy: CompiledPolicy | null, bridge: LegacyBridge, token: string | null) {
  const headers: Record<string, string> = token ? { "mcp-session-id": token } : {};
  const requests = messages.map(asRequest).filter((r): r is JsonRpcRequest => r !== null);
  if (requests.length === 0) return postOnly(scope, exchange, bridge, messages, headers);
  const stream = new LegacyRequestStream(new SseOut(scope.res), exchange, policy);
  const refused = bridge.attach(stream, requests);
  stream.begin(headers, Date.now() + deps.options.upstreamTimeoutMs);
  whenClientGone(scope, () => stream.abandon());
  for (const m of messages) {
    if (scope.req.signal.aborted) break;
    const request = asRequest(m);
    if (request && refused.has(request)) {
      stream.failRequest(request.id, INVALID_REQUEST, "Invalid Request: a request with this id is already pending in this session");
      continue;
    }
    const outcome = await forward(bridge, exchange, m);
    if (!outcome.ok && request) stream.failRequest(request.id, outcome.error.code, outcome.error.message);
  }
  await stream.done;
}

/** Notifications and responses only: each is POSTed upstream, and the client gets 202. */
async function postOnly(scope: RequestScope, exchange: Exchange, bridge: LegacyBridge, messages: unknown[], headers: Record<string, string>) {
  let failure: LegacyError | null = null;
  for (const m of messages) {
    const outcome = await forward(bridge, exchange, m);
    if (!outcome.ok) failure ??= outcome.error;
  }
  if (failure) return sendRpcError(scope.res, failure.httpStatus, failure.code, failure.message, { ...failure.headers, ...headers });
  const local = exchange.localResponses;
  if (local.length > 0) return sendJson(scope.res, 200, local.length === 1 ? local[0] : local, headers);
  scope.res.start(202, headers);
  scope.res.end();
}

async function forward(bridge: LegacyBridge, exchange: Exchange, message: unknown): Promise<PostOutcome> {
  const m = classify(message);
  if (m.kind === "notification" && m.msg.method === "notifications/cancelled") {
    bridge.cancelled((m.msg.params as { requestId?: unknown } | undefined)?.requestId);
  }
  const outcome = await bridge.send(message);
  exchange.upstreamStatus = outcome.status;
  return outcome;
}

async function answerFailure(scope: RequestScope, exchange: Exchange, failure: LegacyError) {
  // Nothing reached the server: the session was unknown, or the bridge could not be opened.
  await exchange.failPending(failure.message, true);
  if (scope.req.signal.aborted) return;
  if (scope.res.started) return scope.res.end();
  sendRpcError(scope.res, failure.httpStatus, failure.code, failure.message, failure.headers);
}

function whenClientGone(scope: RequestScope, fn: () => void) {
  if (scope.req.signal.aborted) fn();
  else scope.req.signal.addEventListener("abort", fn, { once: true });
}

/** What post.ts forwards: the client's (already validated) message or batch, policy denials removed. */
export function parseForwarded(body: Buffer | string): unknown[] {
  const parsed: unknown = JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  return Array.isArray(parsed) ? parsed : [parsed];
}

export function isInitialize(message: unknown): boolean {
  return asRequest(message)?.method === "initialize";
}

function asRequest(message: unknown): JsonRpcRequest | null {
  const m = classify(message);
  return m.kind === "request" ? m.msg : null;
}
