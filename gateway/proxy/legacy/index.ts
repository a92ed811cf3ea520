// Upstreams that speak only the legacy HTTP+SSE transport (MCP 2024-11-05), bridged to the
// Streamable HTTP that clients speak to Toolgate. The rest of the gateway calls only these.
export { usesLegacyBridge } from "./state";
export { relayLegacy } from "./relay";
export { fallBackToLegacy, mayFallBackToLegacy } from "./fallback";
export { routeLegacyRequest } from "./front-door";
