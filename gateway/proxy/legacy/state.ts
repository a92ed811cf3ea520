import type { GatewayDeps } from "../context";
import { LegacyDetections } from "./detect";
import { DEFAULT_REGISTRY_OPTIONS, LegacyBridgeRegistry } from "./registry";
import type { UpstreamConfig } from "../../ports";
import type { RequestScope } from "../context";
import { isLegacySessionId } from "./session-id";

// What the legacy bridge keeps in memory, one set per gateway instance (a process has one: the
// custom server and Next's route-handler adapter share the instance on globalThis), so that
// tests building several gateways in one process do not share bridges.

export interface LegacyState {
  bridges: LegacyBridgeRegistry;
  detections: LegacyDetections;
}

const states = new WeakMap<GatewayDeps, LegacyState>();

export function legacyState(deps: GatewayDeps): LegacyState {
  let state = states.get(deps);
  if (!state) {
    const bridges = new LegacyBridgeRegistry({
      ...DEFAULT_REGISTRY_OPTIONS,
      // Session history is keyed like RequestScope.sessionKey: grant, then upstream session id.
      onClosed: (b) => deps.history.forget(`${b.identity.grantId}:${b.identity.id}`),
    });
    state = { bridges, detections: new LegacyDetections() };
    states.set(deps, state);
  }
  return state;
}

/** Whether new sessions with this server go through a legacy bridge. */
export function isLegacyServer(deps: GatewayDeps, server: UpstreamConfig): boolean {
  if (server.transport === "sse") return true;
  return server.transport === "auto" && legacyState(deps).detections.has(server);
}

/**
 * Whether this request is the legacy bridge's: it belongs to a legacy session, or opens a
 * session with a legacy server. A synchronous check, so that the Streamable HTTP path pays
 * nothing more than a few comparisons.
 */
export function usesLegacyBridge(deps: GatewayDeps, scope: RequestScope): boolean {
  if (scope.upstreamSessionId !== null) return isLegacySessionId(scope.upstreamSessionId);
  return isLegacyServer(deps, scope.server);
}
