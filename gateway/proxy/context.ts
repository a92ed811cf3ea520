import type { RateLimiter } from "../ratelimit";
import type { GatewayStore, GrantRecord, UpstreamConfig, ApprovalStore } from "../ports";
import type { GatewayRequest, GatewayResponse } from "../http/io";
import type { SessionHistory } from "../enforce/session-history";
import type { SessionSealer } from "./session-token";
import type { AuditSink } from "./exchange";
import type { DriftGuard } from "../inventory/drift-guard";

/** Everything the gateway is built with (see gateway/create-gateway.ts). */
export interface GatewayDeps {
  store: GatewayStore;
  limiter: RateLimiter;
  audit: AuditSink;
  sealer: SessionSealer;
  history: SessionHistory;
  /** The drift check of tools/list answers and of calls of tools the inventory does not know. */
  drift: DriftGuard;
  options: GatewayOptions;
  /** Approval requests (PostgreSQL); without it, calls that need approval are denied. */
  approvals?: ApprovalStore;
  /** The dashboard page of one approval request, told to agents. */
  approvalUrl?: (approvalId: string) => string;
}

export interface GatewayOptions {
  /** Largest request body accepted (413 above). */
  maxBodyBytes: number;
  /** Largest upstream JSON answer read whole. */
  maxUpstreamBodyBytes: number;
  /** Time allowed for an upstream answer to a POST. */
  upstreamTimeoutMs: number;
  /** Origins (scheme://host:port) allowed besides the gateway's own and localhost. */
  allowedOrigins: string[];
  /** The gateway's public origin, e.g. https://toolgate.example.com */
  publicOrigin?: string;
}

/** One authenticated request on its way through. */
export interface RequestScope {
  req: GatewayRequest;
  res: GatewayResponse;
  grant: GrantRecord;
  server: UpstreamConfig;
  /** The upstream session id from the client's sealed token; null before initialize. */
  upstreamSessionId: string | null;
  /** The client's own (sealed) session token, echoed back. */
  sessionToken: string | null;
  /** Stable key of the session for history and audit: grant + upstream session. */
  sessionKey: string | null;
  /** The client declared URL-mode elicitation at initialize (from its sealed session token). */
  clientElicitsUrl?: boolean;
}
