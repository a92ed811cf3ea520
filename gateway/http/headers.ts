// Which headers cross the gateway. Requests to the upstream carry only what MCP needs plus
// the upstream credentials the gateway injects: never the client's Authorization, cookies,
// Origin or forwarding headers. Responses carry MCP's headers back, never Set-Cookie.
const FORWARD_REQUEST = ["accept", "content-type", "mcp-protocol-version", "last-event-id", "user-agent"];
const FORWARD_RESPONSE = ["content-type", "cache-control", "retry-after", "mcp-protocol-version", "x-accel-buffering", "allow"];

export function upstreamRequestHeaders(
  header: (name: string) => string | undefined,
  injected: Record<string, string>,
  upstreamSessionId: string | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARD_REQUEST) {
    const v = header(name);
    if (v !== undefined) out[name] = v;
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
