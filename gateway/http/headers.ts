import type { GatewayRequest } from "./io";

// Which headers cross the gateway. Requests to the upstream carry only what MCP needs plus
// the upstream credentials the gateway injects: never the client's Authorization, cookies,
// Origin or forwarding headers. Responses carry MCP's headers back, never Set-Cookie.
// The 2026-07-28 routing headers (Mcp-Method, Mcp-Name, Mcp-Param-*) are what MCP needs too: a
// server of that revision refuses a request without them, and by the time a POST is forwarded
// they have been checked against its body (routing-headers.ts).
const FORWARD_REQUEST = ["accept", "content-type", "mcp-protocol-version", "mcp-method", "mcp-name", "last-event-id", "user-agent"];
const FORWARD_REQUEST_PREFIX = "mcp-param-";
const FORWARD_RESPONSE = ["content-type", "cache-control", "retry-after", "mcp-protocol-version", "x-accel-buffering", "allow"];

/** The client's headers: the lookup alone, or the request (which also lists them, for Mcp-Param-*). */
type HeaderSource = GatewayRequest["header"] | Pick<GatewayRequest, "header" | "headerNames">;

export function upstreamRequestHeaders(source: HeaderSource, injected: Record<string, string>, upstreamSessionId: string | null): Record<string, string> {
  const header = typeof source === "function" ? source : source.header;
  const out: Record<string, string> = {};
  for (const name of FORWARD_REQUEST) {
    const v = header(name);
    if (v !== undefined) out[name] = v;
  }
  if (typeof source !== "function") {
    for (const name of source.headerNames()) {
      const v = name.startsWith(FORWARD_REQUEST_PREFIX) ? header(name) : undefined;
      if (v !== undefined) out[name] = v;
    }
  }
  for (const [k, v] of Object.entries(injected)) out[k.toLowerCase()] = v;
  if (upstreamSessionId) out["mcp-session-id"] = upstreamSessionId;
  return out;
}

export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>, sessionToken: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARD_RESPONSE) {
    const v = upstream[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(", ") : v;
  }
  if (sessionToken) out["mcp-session-id"] = sessionToken;
  return out;
}
