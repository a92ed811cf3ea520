import type { IncomingMessage } from "node:http";
import { decideToolCall, failClosed } from "../enforce/decide-call";
import { formatDecision } from "../policy";
import { readBody, discardBody, BodyTooLargeError } from "../http/body";
import { sendJson, sendRpcError } from "../http/respond";
import { clientResponseHeaders, upstreamRequestHeaders } from "../http/headers";
import type { PolicyHandle } from "../ports";
import { refuseBatch, malformedCall, refusedDecision } from "./admission";
import { listUpstreamTools } from "../inventory/upstream-listing";
import { classify, errorResponse, INVALID_REQUEST, PARSE_ERROR, POLICY_UNAVAILABLE, UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE, type JsonRpcRequest, type Message } from "./jsonrpc";
import { Exchange } from "./exchange";
import { relaySse, transformJson } from "./transform";
import { readUpstreamBody, sendUpstream, upstreamUrl, UpstreamError } from "./upstream";
import type { GatewayDeps, RequestScope } from "./context";
import { answerGatewayElicitation, declaresUrlElicitation, holdForApproval } from "./hold";
import { fallBackToLegacy, mayFallBackToLegacy, relayLegacy, usesLegacyBridge } from "./legacy";
import { refuseHeaderMismatch } from "./refuse-header-mismatch";

// POST /mcp/<serverId>: the client's JSON-RPC message(s). tools/call is decided by policy,
// tools/list answers are filtered; everything else is forwarded as sent.

export async function handlePost(deps: GatewayDeps, scope: RequestScope) {
  const { req, res } = scope;
  const contentType = req.header("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/json")) {
    return sendRpcError(res, 415, INVALID_REQUEST, "Unsupported Media Type: Content-Type must be application/json");
  }
  const accept = req.header("accept") ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
    return sendRpcError(res, 406, INVALID_REQUEST, "Not Acceptable: Client must accept both application/json and text/event-stream");
  }
  let raw: Buffer;
  try {
    raw = await readBody(req.body, deps.options.maxBodyBytes, req.header("content-length"));
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendRpcError(res, 413, INVALID_REQUEST, `Payload Too Large: at most ${err.limitBytes} bytes`);
      return discardBody(req.body);
    }
    // The client went away mid-body (a reset or a truncated upload): nobody is left to answer,
    // and it is not the gateway's failure to report.
    if (req.signal.aborted || (err as NodeJS.ErrnoException).code === "ECONNRESET") return;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    return sendRpcError(res, 400, PARSE_ERROR, "Parse error: the body is not valid JSON");
  }
  const batch = Array.isArray(parsed);
  const messages = (batch ? (parsed as unknown[]) : [parsed]).map(classify);
  const invalid = messages.find((m) => m.kind === "invalid");
  const refusal =
    messages.length === 0 || invalid
      ? `Invalid Request: ${invalid && invalid.kind === "invalid" ? invalid.reason : "empty batch"}`
      : refuseBatch(messages, batch, req.header("mcp-protocol-version"))?.message;
  if (refusal !== undefined) {
    auditRefusedCalls(deps, scope, messages, refusal);
    return sendRpcError(res, 400, INVALID_REQUEST, refusal);
  }
  // MCP 2026-07-28 routing headers must agree with the body, before any policy runs (400, -32020).
  if (await refuseHeaderMismatch(deps, scope, parsed)) return;
  await decideAndForward(deps, scope, batch, messages);
}

/** A POST refused whole still leaves a trail: each tools/call in it is audited as refused. */
function auditRefusedCalls(deps: GatewayDeps, scope: RequestScope, messages: Message[], reason: string) {
  let exchange: Exchange | null = null;
  for (const m of messages) {
    const msg = m.msg as { method?: unknown; id?: unknown; params?: { name?: unknown } };
    if (m.kind === "invalid" || msg.method !== "tools/call") continue;
    exchange ??= new Exchange({ grant: scope.grant, server: scope.server, sessionId: scope.sessionKey, policy: null }, deps.audit, deps.limiter);
    const name = msg.params?.name;
    exchange.recordCall({ id: m.kind === "request" ? m.msg.id : null, tool: typeof name === "string" ? name : "", args: {}, decision: refusedDecision(reason) }, null, null);
  }
}

async function decideAndForward(deps: GatewayDeps, scope: RequestScope, batch: boolean, messages: Message[]) {
  const governed = messages.some((m) => m.kind === "request" && (m.msg.method === "tools/call" || m.msg.method === "tools/list"));
  let policy: PolicyHandle | null = null;
  let policyDown = false;
  if (governed) {
    const policyId = scope.grant.policyId ?? scope.server.policyId;
    try {
      policy = policyId ? await deps.store.policy(policyId) : null;
    } catch {
      policyDown = true;
    }
  }
  const exchange = new Exchange({ grant: scope.grant, server: scope.server, sessionId: scope.sessionKey, policy }, deps.audit, deps.limiter, deps.drift);
  const forward: unknown[] = [];
  let intercepted = 0;
  // A call can only be held open when it is the whole request: its answer is then the stream.
  const canHold = !batch && messages.length === 1;
  for (const m of messages) {
    if (m.kind === "request" && m.msg.method === "initialize") exchange.clientElicitsUrl = declaresUrlElicitation(m.msg);
    // The client's answer to an elicitation the gateway itself sent (elicit mode): not the upstream's business.
    if (m.kind === "response" && answerGatewayElicitation(m.msg)) {
      intercepted++;
      continue;
    }
    // A tools/call policy cannot decide on (no id, params not an object, no name) never goes on.
    const malformed = malformedCall(m);
    if (malformed) {
      exchange.localResponses.push(errorResponse(malformed.id, malformed.code, malformed.message));
      exchange.recordCall({ id: malformed.id, tool: malformed.tool, args: {}, decision: refusedDecision(malformed.message) }, null, null);
      exchange.refusedInvalid = !batch && malformed.code === INVALID_REQUEST;
      continue;
    }
    if (m.kind === "request") {
      const sent = await decideLocally(deps, scope, exchange, m.msg, policy, policyDown, canHold);
      if (sent === null) continue;
      exchange.forwardedIds.push(m.msg.id);
      forward.push(sent);
      continue;
    }
    forward.push(m.msg);
  }
  if (exchange.held) return holdForApproval(deps, scope, exchange, exchange.held, policy, (s, body) => relay(deps, s, exchange, body, policy));
  if (forward.length === 0 && exchange.localResponses.length === 0 && intercepted > 0) {
    // Only responses were posted: accepted, nothing to answer (as an MCP server does).
    scope.res.start(202, sessionHeader(scope));
    return scope.res.end();
  }
  if (forward.length === 0) {
    const out = exchange.localResponses;
    return sendJson(scope.res, exchange.refusedInvalid ? 400 : 200, batch ? out : out[0], sessionHeader(scope));
  }
  // What goes on is what was decided on, serialized anew: never the client's own bytes, which a
  // server's parser might read differently (a repeated key, a number past double precision).
  const body = JSON.stringify(batch ? forward : forward[0]);
  await relay(deps, scope, exchange, body, policy);
}

/**
 * Decides a request: the message to forward (the request itself, or a hidden or unknown tool's
 * stand-in call), or null when the gateway answered it itself.
 */
async function decideLocally(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, msg: JsonRpcRequest, policy: PolicyHandle | null, policyDown: boolean, canHold: boolean): Promise<JsonRpcRequest | null> {
  if (msg.method === "tools/list") {
    if (!policyDown) {
      exchange.track({ kind: "list", id: msg.id, paged: msg.params?.cursor !== undefined });
      return msg;
    }
    exchange.localResponses.push(errorResponse(msg.id, POLICY_UNAVAILABLE, "the policy store is unavailable, so tools cannot be listed; try again shortly"));
    return null;
  }
  if (msg.method !== "tools/call") return msg;
  const name = msg.params!.name as string;
  const args = (msg.params?.arguments ?? {}) as Record<string, unknown>;
  if (policyDown) {
    const decision = failClosed("the policy store");
    exchange.localResponses.push({ jsonrpc: "2.0", id: msg.id, ...formatDecision(decision, { tool: name }) });
    exchange.recordCall({ id: msg.id, tool: name, args, decision }, null, null);
    return null;
  }
  // Asked for only when a call names a tool the inventory does not know (a legacy server cannot be listed this way).
  const refreshInventory = async () => !usesLegacyBridge(deps, scope) && deps.drift.refresh(scope.server.serverId, () => listUpstreamTools(deps, scope));
  const outcome = await decideToolCall(deps, { grant: scope.grant, server: scope.server, sessionId: scope.sessionKey, policy, clientElicitsUrl: scope.clientElicitsUrl, refreshInventory }, msg);
  if (!outcome) return msg;
  if (!outcome.forward) {
    if (outcome.hold && canHold) exchange.held = { msg, tool: outcome.tool, args, ...outcome.hold };
    else exchange.localResponses.push(outcome.response);
    exchange.recordCall({ id: msg.id, tool: outcome.tool, args, decision: outcome.decision, approvalId: outcome.approvalId, operation: outcome.operation }, null, null);
    return null;
  }
  if (scope.sessionKey && !outcome.probe) deps.history.record(scope.sessionKey, outcome.tool, outcome.category);
  exchange.track({ kind: "call", id: msg.id, tool: outcome.tool, args, decision: outcome.decision, reservation: outcome.reservation, startedAt: performance.now(), approvalId: outcome.approvalId, operation: outcome.operation, probe: outcome.probe });
  return outcome.probe?.message ?? msg;
}

function sessionHeader(scope: RequestScope): Record<string, string> {
  return scope.sessionToken ? { "mcp-session-id": scope.sessionToken } : {};
}

async function relay(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, body: Buffer | string, policy: PolicyHandle | null) {
  const { req, res, server } = scope;
  // Upstreams speaking only the legacy HTTP+SSE transport are bridged: gateway/proxy/legacy/.
  if (usesLegacyBridge(deps, scope)) return relayLegacy(deps, scope, exchange, body, policy?.compiled ?? null);
  const deadline = Date.now() + deps.options.upstreamTimeoutMs;
  let upstream: IncomingMessage;
  try {
    upstream = await sendUpstream({
      url: upstreamUrl(server),
      method: "POST",
      headers: standInHeaders(upstreamRequestHeaders(req, server.headers, scope.upstreamSessionId), exchange),
      body,
      timeoutMs: deps.options.upstreamTimeoutMs,
      signal: req.signal,
    });
  } catch (err) {
    return answerUpstreamFailure(scope, exchange, err as Error);
  }
  if (mayFallBackToLegacy(scope, upstream) && (await fallBackToLegacy(deps, scope, exchange, upstream, body, policy?.compiled ?? null, deadline))) return;
  exchange.upstreamStatus = upstream.statusCode ?? 502;
  req.signal.addEventListener("abort", () => void exchange.failPending("the client went away"), { once: true });
  await relayAnswer(deps, scope, exchange, upstream, policy?.compiled ?? null, deadline);
}

async function relayAnswer(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, upstream: IncomingMessage, policy: PolicyHandle["compiled"] | null, deadline: number) {
  const { res } = scope;
  const status = upstream.statusCode ?? 502;
  if (status === 401 || status === 403) {
    upstream.resume();
    await exchange.failPending(`the upstream refused Toolgate's credentials (HTTP ${status})`, true);
    return sendRpcError(res, 502, UPSTREAM_UNAVAILABLE, `the upstream server refused Toolgate's credentials (HTTP ${status}): check the server's authentication settings in Toolgate`);
  }
  const headers = clientResponseHeaders(upstream.headers, sessionTokenFor(deps, scope, exchange, upstream));
  const type = String(upstream.headers["content-type"] ?? "");
  const failure = await upstreamHttpFailure(exchange, upstream, status, type, deadline);
  // An error status before any result: the server did not run the requests. A 202 accepted them.
  if (failure) return answerUpstreamFailure(scope, exchange, new UpstreamError("unreachable", failure, status !== 202));
  if (status === 202 && exchange.localResponses.length > 0) {
    upstream.resume();
    return sendJson(res, 200, exchange.localResponses.length === 1 ? exchange.localResponses[0] : exchange.localResponses, headers);
  }
  if (!exchange.needsInspection || status >= 400) {
    res.start(status, passLength(headers, upstream));
    await res.pipeFrom(upstream);
    return exchange.failPending(status >= 400 ? `HTTP ${status}` : "no answer", status >= 400);
  }
  if (type.startsWith("text/event-stream")) {
    res.start(status, headers);
    return relaySse(upstream, res, exchange, policy, deadline);
  }
  let text: string;
  try {
    text = (await readUpstreamBody(upstream, deps.options.maxUpstreamBodyBytes, deadline)).toString("utf8");
  } catch (err) {
    return answerUpstreamFailure(scope, exchange, err as Error);
  }
  const out = await transformJson(text, exchange, policy);
  res.start(status, { ...headers, "content-length": String(Buffer.byteLength(out)) });
  res.end(out);
}

/**
 * Requests were forwarded, but the upstream's HTTP answer cannot carry their responses: a 202
 * ("accepted, nothing will follow"), a server error, or an error page that is not JSON-RPC.
 * Each request then gets a JSON-RPC error saying so, instead of a client left waiting or an
 * HTML page it cannot read. A 404 (session not found) and JSON error answers pass through: the
 * client knows what to do with them.
 */
async function upstreamHttpFailure(exchange: Exchange, upstream: IncomingMessage, status: number, type: string, deadline: number): Promise<string | null> {
  if (exchange.forwardedIds.length === 0) return null;
  if (status === 202) {
    upstream.resume();
    return "the upstream server accepted the request but sent no answer (HTTP 202)";
  }
  const jsonError = status < 500 && type.startsWith("application/json");
  if (status < 400 || status === 404 || jsonError) return null;
  const body = await readUpstreamBody(upstream, 64 * 1024, deadline).catch(() => Buffer.alloc(0));
  const snippet = body.toString("utf8").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
  return `the upstream server answered HTTP ${status}${snippet ? `: ${snippet}` : ""}`;
}

function passLength(headers: Record<string, string>, upstream: IncomingMessage): Record<string, string> {
  const len = upstream.headers["content-length"];
  return len ? { ...headers, "content-length": len } : headers;
}

/** The session header for the client: a new sealed token when the upstream opened a session. */
function sessionTokenFor(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, upstream: IncomingMessage): string | null {
  const upstreamSession = upstream.headers["mcp-session-id"];
  if (typeof upstreamSession === "string" && upstreamSession !== scope.upstreamSessionId) {
    return deps.sealer.seal({ upstreamSessionId: upstreamSession, grantId: scope.grant.id, serverId: scope.server.serverId, elicitUrl: exchange.clientElicitsUrl });
  }
  return scope.sessionToken;
}

/** The upstream could not be reached or was too slow: every forwarded request gets an error. */
async function answerUpstreamFailure(scope: RequestScope, exchange: Exchange, err: Error) {
  const timeout = err instanceof UpstreamError && err.kind === "timeout";
  const message = err instanceof UpstreamError ? err.message : `upstream error: ${err.message}`;
  if (err instanceof UpstreamError && err.kind === "aborted") return exchange.failPending("the client went away");
  const code = timeout ? UPSTREAM_TIMEOUT : UPSTREAM_UNAVAILABLE;
  const pending = exchange.forwardedIds;
  await exchange.failPending(message, err instanceof UpstreamError && err.notSent);
  if (scope.res.started) return scope.res.end();
  const errors = [...pending.map((id) => errorResponse(id, code, message)), ...exchange.localResponses];
  if (errors.length === 0) return sendRpcError(scope.res, timeout ? 504 : 502, code, message);
  sendJson(scope.res, 200, errors.length === 1 ? errors[0] : errors, sessionHeader(scope));
}

/**
 * A hidden or unknown tool's stand-in call goes with routing headers that name the stand-in, as
 * the client's own would name a missing tool: the server answers as for any tool it lacks, and
 * the hidden name and its arguments' header values never reach it.
 */
function standInHeaders(headers: Record<string, string>, exchange: Exchange): Record<string, string> {
  const probe = exchange.standIn;
  if (probe === null) return headers;
  if (headers["mcp-name"] !== undefined) headers["mcp-name"] = probe;
  for (const name of Object.keys(headers)) if (name.startsWith("mcp-param-")) delete headers[name];
  return headers;
}
