import type { RecommendedLane, RiskCategory, RiskLevel } from "@/gateway/risk/types";

// The shapes /api/v1/servers/** answers with, as the dashboard reads them (dates as strings).
export type Transport = "auto" | "streamable_http" | "sse";

export interface Server {
  id: string;
  name: string;
  url: string | null;
  transport: Transport;
  headerNames: string[];
  policyId: string | null;
  reviewChangedTools: boolean;
  lastSyncAt: string | null;
  lastSyncError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ServerListItem extends Server {
  _count: { tools: number; grants: number };
}

export interface SyncResult {
  transport: "streamable_http" | "sse";
  serverInfo: { name?: string; version?: string };
  total: number;
  added: string[];
  changed: string[];
  removed: string[];
}

export type SyncKind = "dns" | "refused" | "tls" | "unauthorized" | "not_mcp" | "timeout" | "other";

export type CreateSync = ({ ok: true } & SyncResult) | { ok: false; error: { code: string; message: string; details?: { kind?: SyncKind; fields?: Record<string, string> } } } | null;

export interface ToolDefinition {
  name: string;
  title?: string | null;
  description?: string | null;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export interface InventoryTool {
  name: string;
  title: string | null;
  description: string | null;
  inputSchema: unknown;
  outputSchema: unknown;
  annotations: Record<string, unknown> | null;
  risk: { category: RiskCategory; level: RiskLevel; reasons: string[] };
  recommended: { lane: RecommendedLane; rule: Record<string, unknown>; why: string };
  definitionHash: string;
  firstSeenAt: string;
  changedAt: string | null;
  removedAt: string | null;
  pendingReview: boolean;
  previousDefinition: ToolDefinition | null;
  /** Multiplexed tools: the argument choosing the operation and each operation's own rating. */
  operations?: { argument: string; source: "enum" | "description"; items: { name: string; category: RiskCategory; level: RiskLevel; reasons: string[] }[] } | null;
}

export interface ServerPolicy {
  policyId: string | null;
  name?: string;
  version: number | null;
  document: unknown;
  publishedAt?: string | null;
  message?: string | null;
}

export interface VersionAuthor {
  type: "user" | "api_key" | "system";
  id: string | null;
  /** The person's name, or `API key <prefix>`. */
  name: string | null;
  email: string | null;
}

export interface PolicyVersion {
  version: number;
  message: string | null;
  createdById: string | null;
  createdAt: string;
  author: VersionAuthor | null;
  document: unknown;
}

export type Effect = "allow" | "deny" | "hide" | "require_approval" | "rate_limited";

export interface SimulateResult {
  effect: Effect;
  rule: string | null;
  message: string;
  reason: string;
  limits: { counter: string; window: string; max: number; scope: string; cost: number; rule: string }[];
  approval: { timeoutSeconds: number; mode: string } | null;
  knownTool: boolean;
  /** The tool waits for review: the gateway denies it whatever the policy says. */
  pendingReview: boolean;
}

export const TRANSPORT_LABELS: Record<Transport, string> = {
  auto: "Auto",
  streamable_http: "Streamable HTTP",
  sse: "SSE (legacy)",
};

export const TRANSPORT_OPTIONS = [
  { value: "auto", label: "Auto (HTTP, then SSE)" },
  { value: "streamable_http", label: "Streamable HTTP" },
  { value: "sse", label: "SSE (legacy)" },
];

/** Query keys: everything of one server sits under ["servers", id], so one invalidation refreshes it all. */
export const serverKeys = {
  all: ["servers"],
  list: ["servers", "list"],
  one: (id: string) => ["servers", id],
  tools: (id: string) => ["servers", id, "tools"],
  policy: (id: string) => ["servers", id, "policy"],
  versions: (id: string) => ["servers", id, "policy", "versions"],
};
