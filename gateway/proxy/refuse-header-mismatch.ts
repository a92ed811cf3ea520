import { sendJson } from "../http/respond";
import { calledTool, checkRoutingHeaders, HEADER_MISMATCH } from "../http/routing-headers";
import type { GatewayDeps, RequestScope } from "./context";
import { Exchange } from "./exchange";
import { refusedDecision } from "./admission";

// A POST whose MCP routing headers disagree with its body (gateway/http/routing-headers.ts) is
// refused before any policy runs, as the 2026-07-28 revision requires of anything that reads the
// body: HTTP 400 with JSON-RPC -32020 (HeaderMismatch). Forwarded, it would reach a hop behind
// the gateway that routes on the headers while the server acts on the body. A refused tools/call
// is audited like any other decision: denied, by no rule, saying which header disagreed.

/** Answers the request and returns true when its headers disagree with its body. */
export async function refuseHeaderMismatch(deps: GatewayDeps, scope: RequestScope, body: unknown): Promise<boolean> {
  const tool = calledTool(body);
  // The Mcp-Param-* headers a tool declares are in its input schema, from the inventory (cached).
  // Without it (store unreachable, tool unknown) they cannot be checked here; policy then decides.
  // Only a request of the 2026-07-28 era, or one carrying Mcp-Param-* headers, needs it: older
  // calls cost no lookup here (and no wait on a store that does not answer).
  const inputSchema = tool === null || !mayCarryParamHeaders(scope, body) ? undefined : await deps.store.toolInfo(scope.server.serverId, tool).then((i) => i?.inputSchema, () => undefined);
  const mismatch = checkRoutingHeaders(scope.req.header, body, inputSchema);
  if (!mismatch) return false;
  const message = body as { id?: unknown; method?: unknown; params?: { name?: unknown; arguments?: unknown } };
  const id = Array.isArray(body) ? null : typeof message.id === "string" || (typeof message.id === "number" && Number.isFinite(message.id)) ? message.id : null;
  if (!Array.isArray(body) && message.method === "tools/call") {
    const args = typeof message.params?.arguments === "object" && message.params.arguments !== null && !Array.isArray(message.params.arguments) ? (message.params.arguments as Record<string, unknown>) : {};
    // Audited as every call is (Exchange.recordCall: the same fields and bounds); no policy was consulted.
    const exchange = new Exchange({ grant: scope.grant, server: scope.server, sessionId: scope.sessionKey, policy: null }, deps.audit, deps.limiter);
    exchange.recordCall({ id, tool: tool ?? "", args, decision: refusedDecision(`refused before policy: ${mismatch.message}`, "routing header mismatch") }, null, null);
  }
  sendJson(scope.res, 400, { jsonrpc: "2.0", id, error: { code: HEADER_MISMATCH, message: mismatch.message, data: { header: mismatch.header } } });
  return true;
}

function mayCarryParamHeaders(scope: RequestScope, body: unknown): boolean {
  const version = scope.req.header("mcp-protocol-version");
  if (version !== undefined && version >= "2026-07-28") return true;
  const meta = (body as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta;
  if (meta && typeof meta === "object" && "io.modelcontextprotocol/protocolVersion" in meta) return true;
  return scope.req.headerNames().some((n) => n.toLowerCase().startsWith("mcp-param-"));
}
