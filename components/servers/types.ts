import type { RecommendedLane, RiskCategory, RiskLevel } from "@/gateway/risk/types";

// The shapes /api/v1/servers/** answers with, as the dashboard reads them (dates as strings).
export type Transport = "auto" | "streamable_http" | "sse";

/** How the gateway reaches a server: an HTTP URL, a local command over stdio, or a connector that dials in. */
export type ServerKind = "url" | "command" | "connector";
export type ProcessMode = "session" | "shared";

export interface ConnectorStatus {
  online: boolean;
  lastSeenAt: string | null;
  /** The command the connector reported it runs, and the machine it runs on, while it is connected. */
  command: string | null;
  hostname?: string | null;
}

export interface Server {
  id: string;
  name: string;
  kind: ServerKind;
  url: string | null;
  transport: Transport;
  headerNames: string[];
  /** Command servers: the executable, its arguments, working directory and environment variable names (values are sealed). */
  command: string | null;
  args: string[];
  cwd: string | null;
  envNames: string[];
  /** Command and connector servers: one process per client session or one shared, and their limits. */
  processMode: ProcessMode;
  idleTimeoutSeconds: number;
  maxProcesses: number;
  connector: ConnectorStatus | null;
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

/** GET /api/v1/servers/kinds: which kinds this Toolgate offers (command servers are the operator's choice, TOOLGATE_STDIO). */
export interface ServerKinds {
  url: { enabled: boolean };
  command: { enabled: boolean; mode: "off" | "allowlist" | "on"; allowlist: string[] };
  connector: { enabled: boolean };
}

/** A running process of a command or connector server. */
export interface ServerProcess {
  id: string;
  pid: number | null;
  mode: ProcessMode;
  sessions: number;
  startedAt: string;
  lastActiveAt: string;
}

export interface LogLine {
  seq: number;
  time: string;
  pid: number | null;
  stream: "stderr" | "stdout" | "event";
  text: string;
}

export interface ConnectorKey {
  id: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const KIND_LABELS: Record<ServerKind, string> = { url: "URL", command: "Command", connector: "Connector" };

export const PROCESS_MODE_LABELS: Record<ProcessMode, string> = { session: "Per session", shared: "Shared" };

/** Query keys: everything of one server sits under ["servers", id], so one invalidation refreshes it all. */
export const serverKeys = {
  all: ["servers"],
  list: ["servers", "list"],
  one: (id: string) => ["servers", id],
  tools: (id: string) => ["servers", id, "tools"],
  policy: (id: string) => ["servers", id, "policy"],
  versions: (id: string) => ["servers", id, "policy", "versions"],
  kinds: ["server-kinds"],
  processes: (id: string) => ["servers", id, "processes"],
  logs: (id: string) => ["servers", id, "logs"],
  connectorKeys: (id: string) => ["servers", id, "connector-keys"],
};
