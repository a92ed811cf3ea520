import type { RiskCategory, RiskLevel } from "./schema";

/**
 * What the evaluator is given: the call and what the gateway knows around it. Field names
 * follow the condition paths of the policy language (`session.call_count`), so the document,
 * the docs and this type use one vocabulary.
 */

export interface ToolCall {
  readonly tool: string;
  /** The `arguments` of `tools/call`; absent means no arguments. */
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface GrantContext {
  readonly id: string;
  readonly label: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Session history, counted by the gateway over the calls it admitted earlier in this session
 * (the current call is not included). A count map that is present but lacks a key means zero.
 */
export interface SessionContext {
  readonly id: string;
  readonly call_count?: number;
  readonly tool_counts?: Readonly<Record<string, number>>;
  readonly category_counts?: Readonly<Partial<Record<RiskCategory, number>>>;
}

/** What the inventory knows about the called tool; absent for a tool never synced. */
export interface ToolInfo {
  readonly category?: RiskCategory;
  readonly level?: RiskLevel;
  /** The upstream's own `inputSchema`; keep the same object between calls, validators are cached by identity. */
  readonly inputSchema?: Readonly<Record<string, unknown>>;
  /** New or changed since someone reviewed it, on a server that asks for review: the gateway denies it. */
  readonly pendingReview?: boolean;
  /** For a tool pending review: since when (ISO time) and what changed ("it is new", "its description changed"). */
  readonly pendingSince?: string;
  readonly pendingChange?: string;
  /** A multiplexed tool's argument that selects its operation, as the classifier detected it. */
  readonly operationArgument?: string;
}

export interface EvaluationContext {
  readonly grant?: GrantContext;
  readonly session?: SessionContext;
  readonly server?: { readonly id: string };
  readonly org?: { readonly id: string };
  readonly tool?: ToolInfo;
}
