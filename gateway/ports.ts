import type { CompiledPolicy, ToolInfo } from "./policy";
import type { ToolDrift, ToolInventory } from "./inventory/drift";

// What the gateway needs from the outside world. lib/gateway-store implements these over
// PostgreSQL with an in-process cache; tests can implement them in memory. The gateway itself
// never imports Next or the Prisma client.

export interface GrantRecord {
  id: string;
  orgId: string;
  serverId: string;
  label: string;
  metadata: Record<string, unknown>;
  /** The grant's own policy; null means the server's policy applies. */
  policyId: string | null;
  /** Whether audit events keep argument values (an organization setting). */
  auditArgumentValues: boolean;
}

export type UpstreamTransport = "auto" | "streamable_http" | "sse";

export interface UpstreamConfig {
  serverId: string;
  orgId: string;
  url: string;
  transport: UpstreamTransport;
  /** Decrypted upstream credentials to inject, e.g. { authorization: "Bearer …" }. */
  headers: Record<string, string>;
  /** The server's default policy. */
  policyId: string | null;
}

export interface PolicyHandle {
  policyId: string;
  version: number;
  compiled: CompiledPolicy;
}

export interface GatewayStore {
  /** The grant for a bearer token (looked up by hash), or null when unknown or revoked. */
  grantByToken(token: string): Promise<GrantRecord | null>;
  server(serverId: string): Promise<UpstreamConfig | null>;
  /** The published policy in force for this grant on this server, or null when none is. */
  policy(policyId: string): Promise<PolicyHandle | null>;
  /** What the inventory knows of a tool (risk category, input schema). */
  toolInfo(serverId: string, tool: string): Promise<ToolInfo | undefined>;
  /** The server's pinned tool inventory (definition hashes), for the drift check of tools/list answers. */
  inventory(serverId: string): Promise<ToolInventory>;
  /**
   * Records drift the gateway saw: new and changed tools as the upstream listed them, pending
   * review where the server asks for it (admin log, webhook). Resolves once it is durable and
   * this process's cache knows it, so the next call of a drifted tool is refused.
   */
  recordDrift(serverId: string, drift: ToolDrift): Promise<void>;
}

/** One gateway decision, as written to the audit log. */
export interface AuditEvent {
  id: string;
  time: string;
  orgId: string;
  serverId: string;
  grantId: string | null;
  sessionId: string | null;
  requestId: string | null;
  method: string;
  tool: string | null;
  /** The operation of a multiplexed tool's call (the string value of its operation argument), bounded. */
  operation: string | null;
  decision: string;
  rulePointer: string | null;
  message: string | null;
  policyVersion: number | null;
  argKeys: string[];
  args: unknown;
  latencyMs: number | null;
  upstreamStatus: number | null;
  approvalId: string | null;
}

/** Durable storage for audit events; writeBatch must be idempotent by event id. */
export interface AuditStore {
  writeBatch(events: AuditEvent[]): Promise<void>;
}

/** One exact call a human must approve (see gateway/approvals/binding.ts). */
export interface ApprovalKey {
  orgId: string;
  serverId: string;
  grantId: string;
  tool: string;
  argsDigest: string;
  /** Digest of the rule that asked for approval: a changed rule needs a new approval. */
  ruleDigest: string;
  rulePointer: string | null;
  policyVersion: number | null;
}

export interface ApprovalState {
  id: string;
  status: "pending" | "approved" | "denied" | "expired" | "used";
  /** The approver's comment (the reason, for a denial). */
  comment: string | null;
  expiresAt: Date;
  /** Set on a new request when the previous one for the same call expired undecided. */
  previousExpiredId?: string;
}

/** Approval requests, durable and shared by every replica (PostgreSQL). */
export interface ApprovalStore {
  /**
   * Uses an approved, unexpired, unused approval of exactly this call, once: marks it used and
   * returns its id; null when there is none. Atomic: two replicas cannot both use one approval.
   */
  consume(key: ApprovalKey): Promise<string | null>;
  /**
   * The state of this call's request: the pending one (identical pending calls share one), a
   * denial still in force, or a new pending request expiring after timeoutSeconds, which the
   * people the rule names as approvers (emails) may decide besides admins and policy managers.
   */
  request(key: ApprovalKey, args: Record<string, unknown>, options: { timeoutSeconds: number; approvers: readonly string[] }): Promise<ApprovalState>;
  /** One request's current state (hold mode polls it). */
  get(id: string): Promise<ApprovalState | null>;
}
