import { createHash } from "node:crypto";
import { newEventId } from "../audit/ids";
import { sendJson } from "../http/respond";
import { calledTool, checkRoutingHeaders, HEADER_MISMATCH, type RoutingHeaderMismatch } from "../http/routing-headers";
import type { AuditEvent, GrantRecord, UpstreamConfig } from "../ports";
import type { GatewayDeps, RequestScope } from "./context";
import { sessionAuditId } from "./exchange";

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
    deps.audit.record(headerMismatchEvent({ grant: scope.grant, server: scope.server, sessionId: scope.sessionKey }, { id, tool, args }, mismatch));
  }
  sendJson(scope.res, 400, { jsonrpc: "2.0", id, error: { code: HEADER_MISMATCH, message: mismatch.message, data: { header: mismatch.header } } });
  return true;
}

/**
 * The audit event of a tools/call refused for its headers, with the fields and bounds
 * Exchange.recordCall gives every call: decision "deny", no rule, no policy version (none was
 * consulted), the message saying which header disagreed.
 */
export function headerMismatchEvent(
  scope: { grant: GrantRecord; server: UpstreamConfig; sessionId: string | null },
  call: { id: string | number | null; tool: string | null; args: Record<string, unknown> },
  mismatch: RoutingHeaderMismatch,
): AuditEvent {
  const { grant, server, sessionId } = scope;
  const keys = Object.keys(call.args);
  return {
    id: newEventId(),
    time: new Date().toISOString(),
    orgId: grant.orgId,
    serverId: server.serverId,
    grantId: grant.id,
    sessionId: sessionId ? sessionAuditId(sessionId) : null,
    requestId: call.id === null ? null : bound(String(call.id), 256),
    method: "tools/call",
    tool: call.tool === null ? null : bound(call.tool, 256),
    operation: null,
    decision: "deny",
    rulePointer: null,
    message: bound(`refused before policy: ${mismatch.message}`, 2048),
    policyVersion: null,
    argKeys: [...keys.slice(0, 256).map((k) => bound(k, 256)), ...(keys.length > 256 ? [`…(${keys.length - 256} more)`] : [])],
    args: grant.auditArgumentValues ? call.args : null,
    latencyMs: null,
    upstreamStatus: null,
    approvalId: null,
  };
}

/** A bounded prefix and a digest of the rest, as exchange.ts bounds what clients send. */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const digest = createHash("sha256").update(text).digest("base64url").slice(0, 16);
  return `${text.slice(0, max - 64)}…[${text.length} chars, sha256:${digest}]`;
}

function mayCarryParamHeaders(scope: RequestScope, body: unknown): boolean {
  const version = scope.req.header("mcp-protocol-version");
  if (version !== undefined && version >= "2026-07-28") return true;
  const meta = (body as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta;
  if (meta && typeof meta === "object" && "io.modelcontextprotocol/protocolVersion" in meta) return true;
  return scope.req.headerNames().some((n) => n.toLowerCase().startsWith("mcp-param-"));
}
