/**
 * Types of the tool risk classifier. A classification is advice shown in the inventory and turned
 * into a policy rule on "Apply recommended policy"; it never decides a call on its own.
 */

export const RISK_CATEGORIES = ["Read", "Write", "Execute", "Destructive", "Financial"] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export const RISK_LEVELS = ["low", "medium", "high", "critical"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** MCP tool annotations (spec 2025-03-26 and later). Untrusted hints from the server. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A tool as listed by an MCP server's tools/list. Every field comes from the server. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema?: unknown;
  annotations?: unknown;
}

/** A vocabulary match: which word, where, and what it indicates. */
export interface VerbMatch {
  token: string;
  category: RiskCategory;
}

/** Everything the classifier noticed, kept so the decision can be explained and audited. */
export interface RiskSignals {
  nameTokens: string[];
  /** The action word of the name: the first one found, HTTP-method words only as a last resort. */
  nameVerb?: VerbMatch;
  /** A destructive word anywhere in the name (e.g. `search_and_delete`). */
  nameDestructive?: string;
  /** The description says the tool overwrites or replaces existing content (the phrase found). */
  overwrites?: string;
  /** The most severe action word of the description's first sentence. */
  descriptionVerb?: VerbMatch;
  /** Money words in the name and money-shaped input properties. */
  money: string[];
  /** Input properties that carry code or a command to run. */
  executableInput: string[];
  /** Words saying the tool reaches secrets, credentials or the environment. */
  sensitive: string[];
  /** The annotations with every non-boolean hint dropped. */
  annotations: ToolAnnotations;
}

export type RecommendedLane = "allow" | "rate_limit" | "require_approval" | "deny";

/** A rule in the policy language ("version 1"), as it would sit under `tools.<name>`. */
export interface RecommendedRule {
  action?: "allow" | "deny" | "require_approval";
  limits?: { counter: string; window: "second" | "minute" | "hour" | "day"; max: number; scope: "grant" }[];
  validate_input?: boolean;
  on_deny?: string;
  /** Multiplexed tools: the argument naming the operation, when it is not `operation`. */
  operation_argument?: string;
  /** Multiplexed tools: a rule per operation (unlisted operations follow the tool's own fields). */
  operations?: Record<string, RecommendedRule>;
}

export interface RiskClassification {
  category: RiskCategory;
  level: RiskLevel;
  /** Which signals decided, one readable sentence each, most decisive first. */
  reasons: string[];
  signals: RiskSignals;
  recommended: { lane: RecommendedLane; rule: RecommendedRule; why: string };
  /** Multiplexed tools: the argument choosing the operation, and each operation's own rating. */
  operations?: {
    argument: string;
    source: "enum" | "description";
    items: { name: string; category: RiskCategory; level: RiskLevel; reasons: string[] }[];
  };
}
