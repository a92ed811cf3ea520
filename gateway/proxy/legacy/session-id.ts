import { randomBytes } from "node:crypto";

// A legacy bridge is named inside the sealed session token where a Streamable HTTP upstream's
// own Mcp-Session-Id would be. The prefix tells the two apart when a request comes back. An
// upstream could in theory mint a session id with this exact prefix; it would then be treated
// as a lost legacy session (404, the client re-initializes), never routed to another session.
const PREFIX = "tg-legacy.";

export function newLegacySessionId(): string {
  return PREFIX + randomBytes(18).toString("base64url");
}

export function isLegacySessionId(upstreamSessionId: string | null): upstreamSessionId is string {
  return upstreamSessionId !== null && upstreamSessionId.startsWith(PREFIX);
}
