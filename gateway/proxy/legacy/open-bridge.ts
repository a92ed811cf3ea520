import type { GatewayDeps, RequestScope } from "../context";
import { LegacyBridge } from "./bridge";
import { newLegacySessionId } from "./session-id";
import { legacyState } from "./state";
import { connectLegacyStream } from "./upstream-stream";

// Opens a new legacy session for a client's initialize: the upstream GET stream, with the
// server's credentials, and its endpoint. The client's own headers are not forwarded (its
// Authorization is Toolgate's, never the upstream's), except its User-Agent.

/** A legacy server sends its endpoint as soon as the stream opens; waiting longer only delays the error. */
const ENDPOINT_WAIT_MS = 10_000;

export async function openBridge(deps: GatewayDeps, scope: RequestScope): Promise<LegacyBridge> {
  const { bridges } = legacyState(deps);
  const release = bridges.reserve();
  try {
    const timeoutMs = deps.options.upstreamTimeoutMs;
    const stream = await connectLegacyStream(new URL(scope.server.url), withCredentials(scope, { accept: "text/event-stream", "cache-control": "no-cache" }), {
      timeoutMs,
      endpointTimeoutMs: Math.min(ENDPOINT_WAIT_MS, timeoutMs),
      signal: scope.req.signal,
    });
    const identity = { id: newLegacySessionId(), grantId: scope.grant.id, serverId: scope.server.serverId };
    const bridge = new LegacyBridge(identity, stream, withCredentials(scope, { "content-type": "application/json" }), timeoutMs);
    bridges.add(bridge);
    bridge.start();
    return bridge;
  } finally {
    release();
  }
}

function withCredentials(scope: RequestScope, base: Record<string, string>): Record<string, string> {
  const out = { ...base };
  const userAgent = scope.req.header("user-agent");
  if (userAgent) out["user-agent"] = userAgent;
  for (const [k, v] of Object.entries(scope.server.headers)) out[k.toLowerCase()] = v;
  return out;
}
