import { z } from "zod";
import { RISK_CATEGORIES, RISK_LEVELS, type RiskCategory, type RiskLevel } from "../risk/types";

/**
 * The structure of a policy document, version "1".
 *
 * This schema checks shape only: field names, types, enums and ranges. Every object is strict,
 * so a misspelt field is an error instead of a silently ignored rule. Checks that need more than
 * one field or knowledge outside zod (regex safety, glob syntax, condition paths, JSON Schema
 * compilation, counters defined twice) live in semantic-checks.ts, so that one pass can report
 * every error of a document at once.
 *
 * The document of the product Toolgate replaces is accepted unchanged; the extensions
 * (`action`, `approval`, `args_schema`, `validate_input`, `max_per_session`, `categories`,
 * `description`, `$schema`) are all optional.
 */

export const CONDITION_OPS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "lt",
  "lte",
  "gt",
  "gte",
  "regex",
  "contains",
  "exists",
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export const LIMIT_WINDOWS = ["second", "minute", "hour", "day"] as const;
export type LimitWindow = (typeof LIMIT_WINDOWS)[number];

/** Window lengths; windows are fixed and aligned to UTC by the limiter. */
export const WINDOW_MS: Readonly<Record<LimitWindow, number>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export const LIMIT_SCOPES = ["grant", "session", "server", "org"] as const;
export type LimitScope = (typeof LIMIT_SCOPES)[number];

export const RULE_ACTIONS = ["allow", "deny", "require_approval"] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const APPROVAL_MODES = ["retry", "hold", "elicit"] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

// Category rules are keyed by the classifier's categories: one list, defined by the classifier.
export { RISK_CATEGORIES, RISK_LEVELS, type RiskCategory, type RiskLevel };

/** An approval waits at most a week: a pending call older than that is stale context for the agent. */
export const APPROVAL_TIMEOUT_MAX_SECONDS = 604_800;
export const APPROVAL_TIMEOUT_DEFAULT_SECONDS = 1_800;

export const ConditionSchema = z.strictObject({
  path: z.string().min(1).max(256),
  op: z.enum(CONDITION_OPS),
  // Any JSON value; which values make sense depends on `op` and is checked semantically.
  value: z.unknown().optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

export const LimitSchema = z.strictObject({
  counter: z.string().min(1).max(128),
  window: z.enum(LIMIT_WINDOWS),
  // Whole units: a spend cap counts the smallest unit the tool takes (cents, not dollars).
  max: z.number().int().nonnegative(),
  // The original product always writes a scope; when it is left out the limit counts per grant.
  scope: z.enum(LIMIT_SCOPES).optional(),
  increment_from: z.string().min(1).max(256).optional(),
});
export type Limit = z.infer<typeof LimitSchema>;

/** How long hold mode keeps a call open at most (clients time out: the SDK's default is 60 s). */
export const APPROVAL_HOLD_MAX_SECONDS = 600;
export const APPROVAL_HOLD_DEFAULT_SECONDS = 60;

/** People a rule names as approvers, by email, besides admins and policy managers. */
export const APPROVERS_MAX = 50;

export const ApprovalSchema = z.strictObject({
  timeout_seconds: z.number().int().min(1).max(APPROVAL_TIMEOUT_MAX_SECONDS).optional(),
  mode: z.enum(APPROVAL_MODES).optional(),
  hold_seconds: z.number().int().min(1).max(APPROVAL_HOLD_MAX_SECONDS).optional(),
  // Members of the organization with these emails may decide this rule's requests whatever their
  // role (compared without regard to case).
  approvers: z.array(z.email().max(254)).min(1).max(APPROVERS_MAX).optional(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

const conditions = z.array(ConditionSchema).max(1_000);
const limits = z.array(LimitSchema).max(100);

/** Fields shared by every kind of rule: they can only deny or count, never allow on their own. */
const constraintFields = {
  description: z.string().max(2_000).optional(),
  require: conditions.optional(),
  deny_if: conditions.optional(),
  limits: limits.optional(),
  on_deny: z.string().min(1).max(2_000).optional(),
  validate_input: z.boolean().optional(),
  max_per_session: z.number().int().nonnegative().optional(),
};

/** Fields that decide the outcome of a call; `all_tools` has none of them. */
const outcomeFields = {
  action: z.enum(RULE_ACTIONS).optional(),
  approval: ApprovalSchema.optional(),
};

/** The default argument that selects a multiplexed tool's operation. */
export const OPERATION_ARGUMENT_DEFAULT = "operation";

/** A rule for some operations of a multiplexed tool: what a tool rule holds, but no operations of its own. */
export const OperationRuleSchema = z.strictObject({
  ...constraintFields,
  ...outcomeFields,
  args_schema: z.record(z.string(), z.unknown()).optional(),
});
export type OperationRule = z.infer<typeof OperationRuleSchema>;

export const ToolRuleSchema = z.strictObject({
  ...constraintFields,
  ...outcomeFields,
  // A JSON Schema object; compiled and checked with ajv during semantic validation.
  args_schema: z.record(z.string(), z.unknown()).optional(),
  // Multiplexed tools: a rule per operation (names or glob patterns such as "delete-*"), chosen by
  // the string argument `operation_argument` (default "operation"). A matched operation's rule is
  // used instead of the tool's own fields; other operations, and calls without the argument,
  // follow the tool's own rule.
  operation_argument: z.string().min(1).max(128).optional(),
  operations: z.record(z.string().min(1).max(256), OperationRuleSchema).optional(),
});
export type ToolRule = z.infer<typeof ToolRuleSchema>;

/** Category rules match many different tools, so an argument schema makes no sense there. */
export const CategoryRuleSchema = z.strictObject({ ...constraintFields, ...outcomeFields });
export type CategoryRule = z.infer<typeof CategoryRuleSchema>;

export const AllToolsRuleSchema = z.strictObject(constraintFields);
export type AllToolsRule = z.infer<typeof AllToolsRuleSchema>;

export const CategoriesSchema = z.strictObject({
  Read: CategoryRuleSchema.optional(),
  Write: CategoryRuleSchema.optional(),
  Execute: CategoryRuleSchema.optional(),
  Destructive: CategoryRuleSchema.optional(),
  Financial: CategoryRuleSchema.optional(),
});
export type Categories = z.infer<typeof CategoriesSchema>;

export const PolicyDocumentSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().max(2_000).optional(),
  version: z.literal("1"),
  default: z.enum(["allow", "deny"]),
  // `"*"` alone (as a string) is accepted as shorthand for `["*"]`.
  hide: z.union([z.literal("*"), z.array(z.string().min(1).max(256)).max(10_000)]).optional(),
  all_tools: AllToolsRuleSchema.optional(),
  tools: z.record(z.string(), ToolRuleSchema).optional(),
  categories: CategoriesSchema.optional(),
});
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/** JSON Schema of the document, for editors and the OpenAPI description. */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicyDocumentSchema, { unrepresentable: "any" }) as Record<string, unknown>;
}
