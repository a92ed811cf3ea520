/**
 * The policy engine: validate a document, compile it once, evaluate calls against it.
 *
 *   const result = validatePolicy(json);            // or validatePolicyText(text)
 *   if (!result.ok) return result.errors;           // every error, by JSON pointer
 *   const policy = compilePolicy(result.policy);
 *   const decision = evaluate(policy, { tool, args }, context);
 */
export {
  PolicyDocumentSchema,
  ConditionSchema,
  LimitSchema,
  ToolRuleSchema,
  CategoryRuleSchema,
  AllToolsRuleSchema,
  policyJsonSchema,
  CONDITION_OPS,
  LIMIT_WINDOWS,
  LIMIT_SCOPES,
  RULE_ACTIONS,
  APPROVAL_MODES,
  RISK_CATEGORIES,
  RISK_LEVELS,
  WINDOW_MS,
  type PolicyDocument,
  type ToolRule,
  type CategoryRule,
  type AllToolsRule,
  type Condition,
  type ConditionOp,
  type Limit,
  type LimitWindow,
  type LimitScope,
  type RuleAction,
  type ApprovalMode,
  type RiskCategory,
  type RiskLevel,
} from "./schema";
export type { PolicyError } from "./errors";
export { validatePolicy, validatePolicyText, POLICY_TEXT_MAX_CHARS, type ValidationResult, type ValidationContext } from "./validate";
export { declaredOperations, type KnownTools } from "./operation-names";
export { compilePolicy, type CompiledPolicy } from "./compile";
export { evaluate, callOperation, filterToolList, isHidden } from "./evaluate";
export {
  rateLimitedDecision,
  type Decision,
  type Effect,
  type ResolvedLimit,
  type ApprovalRequirement,
} from "./decision";
export type { ToolCall, EvaluationContext, GrantContext, SessionContext, ToolInfo } from "./context";
export { PATH_FORMS } from "./paths";
export { REGEX_INPUT_MAX_CHARS } from "./regex-safety";
export {
  formatDecision,
  deniedResult,
  approvalRequiredResult,
  unknownToolResult,
  unknownToolError,
  DECISION_META_KEY,
  APPROVAL_ID_PLACEHOLDER,
  INVALID_PARAMS,
  type PolicyResponse,
  type PolicyToolResult,
  type UnknownToolResult,
  type JsonRpcError,
  type DecisionMeta,
  type FormatOptions,
} from "./format-result";
