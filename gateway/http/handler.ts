import { handlePost } from "../proxy/post";
import { handlePassthrough } from "../proxy/passthrough";
import { routeLegacyRequest } from "../proxy/legacy";
import { GATEWAY_ERROR, POLICY_UNAVAILABLE } from "../proxy/jsonrpc";
import type { GatewayDeps, RequestScope } from "../proxy/context";
import type { GatewayRequest, GatewayResponse } from "./io";
import { isOriginAllowed, corsHeaders, PREFLIGHT_HEADERS } from "./origin";
import { sendJson, sendRpcError } from "./respond";

// The gateway's front door for /mcp/<serverId>: route, check Origin, authenticate the grant,
// open the session token, then hand over to POST (policy) or GET/DELETE (pass-through).
const PATH = /^\/mcp\/([A-Za-z0-9_-]{1,64})\/?(?:\?.*)?$/;
const UNAUTHORIZED = "Unauthorized: send a valid Toolgate grant token for this server as `Authorization: Bearer <token>`";

export function createGatewayHandler(deps: GatewayDeps) {
  const allowedOrigins = new Set([...deps.options.allowedOrigins, ...(deps.options.publicOrigin ? [deps.options.publicOrigin] : [])]);

  return async function handle(req: GatewayRequest, rawRes: GatewayResponse): Promise<void> {
    const origin = req.header("origin");
    if (!isOriginAllowed(origin, allowedOrigins)) return sendRpcError(rawRes, 403, GATEWAY_ERROR, "Forbidden: this Origin may not use the gateway");
    const res = origin ? withHeaders(rawRes, corsHeaders(origin)) : rawRes;
    const match = PATH.exec(req.url);
    if (!match) return sendRpcError(res, 404, GATEWAY_ERROR, "Not Found: the gateway URL is /mcp/<serverId>");
    if (req.method === "OPTIONS") {
      res.start(204, PREFLIGHT_HEADERS);
      return res.end();
    }
    if (req.method !== "POST" && req.method !== "GET" && req.method !== "DELETE") {
      return sendRpcError(res, 405, GATEWAY_ERROR, "Method Not Allowed", { allow: "GET, POST, DELETE" });
    }
    const scope = await authenticate(deps, req, res, match[1]);
    if (!scope) return;
    // Legacy HTTP+SSE sessions: unknown ones refused, GET/DELETE served (gateway/proxy/legacy/).
    const legacy = routeLegacyRequest(deps, scope);
    if (legacy) return legacy;
    if (req.method === "POST") return handlePost(deps, scope);
    return handlePassthrough(deps, scope);
  };
}

async function authenticate(deps: GatewayDeps, req: GatewayRequest, res: GatewayResponse, serverId: string): Promise<RequestScope | null> {
  const auth = req.header("authorization") ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  const deny = () => (sendRpcError(res, 401, GATEWAY_ERROR, UNAUTHORIZED, { "www-authenticate": 'Bearer realm="toolgate", error="invalid_token"' }), null);
  if (!token) return deny();
  let grant, server;
  try {
    grant = await deps.store.grantByToken(token);
    server = grant && grant.serverId === serverId ? await deps.store.server(serverId) : null;
  } catch {
    // Fail closed: without the store the gateway cannot know who is calling.
    sendRpcError(res, 503, POLICY_UNAVAILABLE, "Service Unavailable: the gateway cannot reach its configuration store; try again shortly", { "retry-after": "2" });
    return null;
  }
  // The same answer for an unknown token, a revoked one, another server's or an unknown server.
  if (!grant || !server || server.orgId !== grant.orgId) return deny();

  const sessionToken = req.header("mcp-session-id") ?? null;
  let upstreamSessionId: string | null = null;
  let clientElicitsUrl = false;
  if (sessionToken !== null) {
    const claims = deps.sealer.open(sessionToken);
    if (!claims || claims.grantId !== grant.id || claims.serverId !== serverId) {
      sendRpcError(res, 404, GATEWAY_ERROR, "Session not found: initialize a new session");
      return null;
    }
    upstreamSessionId = claims.upstreamSessionId || null;
    clientElicitsUrl = claims.elicitUrl === true;
  }
  const sessionKey = upstreamSessionId ? `${grant.id}:${upstreamSessionId}` : null;
  return { req, res, grant, server, upstreamSessionId, sessionToken, sessionKey, clientElicitsUrl };
}

function withHeaders(res: GatewayResponse, extra: Record<string, string>): GatewayResponse {
  return {
    get started() {
      return res.started;
    },
    start: (status, headers) => res.start(status, { ...headers, ...extra }),
    write: (c) => res.write(c),
    end: (c) => res.end(c),
    pipeFrom: (s) => res.pipeFrom(s),
  };
}

export { sendJson };
