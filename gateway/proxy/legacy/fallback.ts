import type { IncomingMessage } from "node:http";
import type { CompiledPolicy } from "../../policy";
import { clientResponseHeaders } from "../../http/headers";
import { sendRpcError } from "../../http/respond";
import type { Exchange } from "../exchange";
import type { GatewayDeps, RequestScope } from "../context";
import { readUpstreamBody } from "../upstream";
import { answerSuggestsLegacy, maybeLegacyStatus } from "./detect";
import { describeFailure } from "./errors";
import { openBridge } from "./open-bridge";
import { isInitialize, parseForwarded, relayNewSession } from "./relay";
import { legacyState } from "./state";

// Detection for servers with transport "auto" (the rule is in detect.ts): the client's
// initialize went out as Streamable HTTP, and the answer suggests a legacy server. If a legacy
// stream opens, the session continues through a bridge and the server is remembered as legacy.

/** Cheap first check on the Streamable HTTP answer, so that other answers pay nothing more. */
export function mayFallBackToLegacy(scope: RequestScope, upstream: IncomingMessage): boolean {
  return scope.upstreamSessionId === null && scope.server.transport === "auto" && maybeLegacyStatus(upstream.statusCode ?? 0);
}

/**
 * Answers the client when the upstream's answer was to an initialize: through a new legacy
 * bridge, with the upstream's own answer (a Streamable HTTP server's JSON-RPC error), or with
 * why neither transport worked. false: not an initialize, the Streamable HTTP path goes on.
 */
export async function fallBackToLegacy(deps: GatewayDeps, scope: RequestScope, exchange: Exchange, upstream: IncomingMessage, body: Buffer | string, policy: CompiledPolicy | null, deadline: number): Promise<boolean> {
  const messages = parseForwarded(body);
  if (!messages.some(isInitialize)) return false;
  const status = upstream.statusCode ?? 502;
  const text = await readAnswer(upstream, deadline);
  if (!answerSuggestsLegacy(status, text)) {
    await replayAnswer(scope, exchange, upstream, status, text);
    return true;
  }
  let bridge;
  try {
    bridge = await openBridge(deps, scope);
  } catch (err) {
    const failure = describeFailure(err);
    const message = `the upstream server answered the Streamable HTTP initialize with HTTP ${status}, and is not a legacy HTTP+SSE server either: ${failure.message}`;
    await exchange.failPending(message, true);
    if (!scope.req.signal.aborted) sendRpcError(scope.res, failure.httpStatus, failure.code, message, failure.headers);
    return true;
  }
  legacyState(deps).detections.remember(scope.server);
  await relayNewSession(deps, scope, exchange, messages, policy, bridge);
  return true;
}

/** The answer's body, small by nature (an error page or message); "" if it cannot be read. */
async function readAnswer(upstream: IncomingMessage, deadline: number): Promise<string> {
  try {
    return (await readUpstreamBody(upstream, 64 * 1024, deadline)).toString("utf8");
  } catch {
    upstream.destroy();
    return "";
  }
}

async function replayAnswer(scope: RequestScope, exchange: Exchange, upstream: IncomingMessage, status: number, text: string) {
  const headers = clientResponseHeaders(upstream.headers, scope.sessionToken);
  scope.res.start(status, { ...headers, "content-length": String(Buffer.byteLength(text)) });
  scope.res.end(text);
  await exchange.failPending(`HTTP ${status}`, true);
}
