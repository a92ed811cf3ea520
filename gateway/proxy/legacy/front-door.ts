import { sendRpcError } from "../../http/respond";
import { INVALID_REQUEST } from "../jsonrpc";
import type { GatewayDeps, RequestScope } from "../context";
import { sessionNotFound } from "./errors";
import { isLegacySessionId } from "./session-id";
import { SseOut } from "./sse-out";
import { legacyState, usesLegacyBridge } from "./state";

// The front door's branch for legacy sessions. A request naming a legacy session that this
// process does not hold (another replica opened it, or this one restarted, or it was closed)
// gets 404 "Session not found", so the client initializes again. GET (the standalone stream)
// and DELETE of legacy sessions are answered here; POSTs go on to post.ts, whose policy applies
// whatever the upstream's transport.

/** A promise when the bridge answers this request; undefined when the rest of the gateway does. */
export function routeLegacyRequest(deps: GatewayDeps, scope: RequestScope): Promise<void> | undefined {
  const id = scope.upstreamSessionId;
  if (isLegacySessionId(id) && !legacyState(deps).bridges.get(id, scope.grant.id, scope.server.serverId)) {
    const e = sessionNotFound();
    return Promise.resolve(sendRpcError(scope.res, e.httpStatus, e.code, e.message));
  }
  if (scope.req.method === "POST" || !usesLegacyBridge(deps, scope)) return undefined;
  if (!isLegacySessionId(id)) return Promise.resolve(sendRpcError(scope.res, 400, INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required"));
  return scope.req.method === "DELETE" ? endSession(deps, scope, id) : listen(deps, scope, id);
}

/** GET: the client's standalone stream, for server messages that belong to no request. */
async function listen(deps: GatewayDeps, scope: RequestScope, id: string) {
  if (!(scope.req.header("accept") ?? "").includes("text/event-stream")) {
    return sendRpcError(scope.res, 406, INVALID_REQUEST, "Not Acceptable: Client must accept text/event-stream");
  }
  const bridge = legacyState(deps).bridges.get(id, scope.grant.id, scope.server.serverId);
  if (!bridge) {
    const e = sessionNotFound();
    return sendRpcError(scope.res, e.httpStatus, e.code, e.message);
  }
  const out: SseOut = new SseOut(scope.res, () => bridge.unlisten(out));
  out.start(scope.sessionToken ? { "mcp-session-id": scope.sessionToken } : {});
  bridge.listen(out);
  const gone = () => (bridge.unlisten(out), out.abandon());
  if (scope.req.signal.aborted) gone();
  else scope.req.signal.addEventListener("abort", gone, { once: true });
  await out.closed;
}

/** DELETE: the client ends the session; so does the upstream's, by closing its stream. */
async function endSession(deps: GatewayDeps, scope: RequestScope, id: string) {
  legacyState(deps).bridges.get(id, scope.grant.id, scope.server.serverId)?.close("the client ended the session");
  scope.res.start(200, {});
  scope.res.end();
}
