import type { Decision } from "./decision";

/**
 * What the agent sees when a call is not forwarded. Denials, rate limits and approvals are tool
 * results with `isError: true`, written for a model to read, with the decision in `_meta` for
 * programs. A hidden tool gets exactly what an MCP server answers for a tool it does not have.
 */

export const DECISION_META_KEY = "toolgate/decision";

/** The placeholder the gateway replaces with the real approval id once it has created one. */
export const APPROVAL_ID_PLACEHOLDER = "{approval_id}";

export interface TextContent {
  readonly type: "text";
  readonly text: string;
}

export interface DecisionMeta {
  readonly effect: Decision["effect"];
  readonly tool: string;
  readonly rule: string | null;
  readonly message: string;
  readonly reason: string;
  readonly retryAfterSeconds?: number;
  readonly limit?: { readonly counter: string; readonly window: string; readonly max: number; readonly scope: string };
  readonly approvalId?: string;
  readonly approvalTimeoutSeconds?: number;
}

export interface PolicyToolResult {
  readonly content: readonly TextContent[];
  readonly isError: true;
  readonly _meta: { readonly [DECISION_META_KEY]: DecisionMeta };
}

export interface JsonRpcError {
  readonly code: number;
  readonly message: string;
}

/** -32602, Invalid params: what MCP uses for a call to an unknown tool. */
export const INVALID_PARAMS = -32602;

/** How the gateway answers a call that is not forwarded: a tool result, or a JSON-RPC error. */
export type PolicyResponse = { readonly result: PolicyToolResult | UnknownToolResult } | { readonly error: JsonRpcError };

export interface FormatOptions {
  readonly tool: string;
  /** The approval's id, for require_approval; the placeholder is used when absent. */
  readonly approvalId?: string;
  /** How hidden tools are answered; see unknownToolResult and unknownToolError. */
  readonly unknownTool?: "sdk-result" | "jsonrpc-error";
  /** Where an approver decides (the dashboard's approval page), for require_approval. */
  readonly approvalUrl?: string;
  /** Said first, e.g. that an earlier request for the same call expired undecided. */
  readonly note?: string;
}

export function formatDecision(decision: Decision, options: FormatOptions): PolicyResponse {
  switch (decision.effect) {
    case "hide":
      return options.unknownTool === "jsonrpc-error"
        ? { error: unknownToolError(options.tool) }
        : { result: unknownToolResult(options.tool) };
    case "deny":
    case "rate_limited":
      return { result: deniedResult(decision, options.tool) };
    case "require_approval":
      return { result: approvalRequiredResult(decision, options.tool, options.approvalId ?? APPROVAL_ID_PLACEHOLDER, options) };
    case "allow":
      throw new Error("an allowed call is forwarded, it has no policy result");
  }
}

/** `[POLICY DENIED] <message> (rule <pointer>)`; rate limits use the same form. */
export function deniedResult(decision: Decision, tool: string): PolicyToolResult {
  const text = `[POLICY DENIED] ${decision.message} (rule ${decision.rule ?? "none"})`;
  return { content: [{ type: "text", text }], isError: true, _meta: { [DECISION_META_KEY]: meta(decision, tool) } };
}

export function approvalRequiredResult(decision: Decision, tool: string, approvalId: string, options: { approvalUrl?: string; note?: string } = {}): PolicyToolResult {
  const timeout = decision.approval?.timeoutSeconds;
  const where = options.approvalUrl ? ` at ${options.approvalUrl}` : " in Toolgate's Approvals inbox";
  const tell = `Tell your user that this call is waiting for a human to approve it${where}.`;
  // Every mode ends here when it cannot wait any longer (hold time over, no URL elicitation):
  // the agent retries.
  const next = "Once it is approved, make the same call again with exactly the same arguments; it will then run once.";
  const expiry = timeout === undefined ? "" : ` The request expires in ${describeSeconds(timeout)}.`;
  const note = options.note ? `${options.note} ` : "";
  const text = `[APPROVAL REQUIRED] ${note}A human must approve this call to \`${tool}\` before it runs (approval id ${approvalId}, rule ${decision.rule}). ${tell} ${next}${expiry}`;
  return {
    content: [{ type: "text", text }],
    isError: true,
    _meta: { [DECISION_META_KEY]: { ...meta(decision, tool), approvalId, approvalTimeoutSeconds: timeout } },
  };
}

function meta(decision: Decision, tool: string): DecisionMeta {
  return {
    effect: decision.effect,
    tool,
    rule: decision.rule,
    message: decision.message,
    reason: decision.reason,
    ...(decision.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: decision.retryAfterSeconds }),
    ...(decision.limit === undefined
      ? {}
      : { limit: { counter: decision.limit.counter, window: decision.limit.window, max: decision.limit.max, scope: decision.limit.scope } }),
  };
}

export interface UnknownToolResult {
  readonly content: readonly TextContent[];
  readonly isError: true;
}

/**
 * What an McpServer of the official TypeScript SDK (1.32) answers for a tool it does not have:
 * it throws `McpError(InvalidParams, "Tool <name> not found")` inside its `tools/call` handler
 * and turns that into this tool result. Most TypeScript MCP servers are built on it.
 */
export function unknownToolResult(name: string): UnknownToolResult {
  return { content: [{ type: "text", text: `MCP error ${INVALID_PARAMS}: Tool ${name} not found` }], isError: true };
}

/** The JSON-RPC error the MCP specification shows for an unknown tool (a protocol error). */
export function unknownToolError(name: string): JsonRpcError {
  return { code: INVALID_PARAMS, message: `Unknown tool: ${name}` };
}

function describeSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? "" : "s"}`;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}
