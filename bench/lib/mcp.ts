// The MCP messages every path in the benchmark is driven with, so all of them do the same work.
export const ECHO_TOOL = "echo";
/** The text the echo tool sends back; a response without it is a failure (e.g. a policy error). */
export const ECHO_TEXT = "toolgate-bench-echo-payload";
export const PROTOCOL_VERSION = "2025-06-18";

/** One tools/call echo; the id is fixed so every answer on a path is byte-identical. */
export const CALL_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name: ECHO_TOOL, arguments: { text: ECHO_TEXT } },
});

export const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "toolgate-bench", version: "1.0.0" } },
});

export const INITIALIZED_BODY = JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" });

/** The headers a Streamable HTTP client sends with every POST. */
export function callHeaders(token: string | null, sessionId: string | null): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": PROTOCOL_VERSION,
  };
  if (token) h.authorization = `Bearer ${token}`;
  if (sessionId) h["mcp-session-id"] = sessionId;
  return h;
}

/** True when a response body is the echo tool's successful result for CALL_BODY. */
export function isEchoResult(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  const r = parsed as { id?: unknown; result?: { isError?: boolean; content?: { type?: string; text?: string }[] } };
  return r.id === 7 && r.result?.isError !== true && r.result?.content?.[0]?.text === ECHO_TEXT;
}
