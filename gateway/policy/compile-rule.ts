import { compileCondition, FALSE, TRUE } from "./conditions";
import type { EvaluationContext, ToolCall } from "./context";
import { denyDecision, shared, type ApprovalRequirement, type Decision, type ResolvedLimit } from "./decision";
import { compileArgsSchema, describeArgsErrors, upstreamValidator } from "./json-schema";
import { compileGetter, type Getter } from "./paths";
import { childPointer } from "./pointer";
import { compileGlob, isGlobPattern } from "./glob";
import { PatternIndex, type PatternEntry } from "./pattern-index";
import {
  APPROVAL_TIMEOUT_DEFAULT_SECONDS,
  APPROVAL_HOLD_DEFAULT_SECONDS,
  OPERATION_ARGUMENT_DEFAULT,
  WINDOW_MS,
  type AllToolsRule,
  type CategoryRule,
  type Condition,
  type Limit,
  type RiskCategory,
  type RuleAction,
  type ToolRule,
} from "./schema";

/**
 * One rule of the document compiled into an ordered list of checks. A check returns null when
 * the call passes it, or the deny decision. Decisions that do not depend on the call are built
 * here, once, so that evaluating a passing or a plainly failing check allocates nothing.
 */

export type Check = (call: ToolCall, context: EvaluationContext) => Decision | null;

export interface CompiledLimit {
  readonly resolved: ResolvedLimit;
  /** For spend caps: reads the cost from the arguments. */
  readonly cost: Getter | null;
}

export interface CompiledRule {
  readonly pointer: string;
  /** The explicit `action`, or null (a tool rule without one allows). */
  readonly action: RuleAction | null;
  readonly checks: readonly Check[];
  readonly limits: readonly CompiledLimit[];
  readonly approval: ApprovalRequirement | null;
  readonly onDeny: string | null;
  /** Allow or approval outcomes of this rule by category, built on first use. */
  readonly outcomes: Map<string, OutcomePlan>;
  /** The resolution of every tool name this rule is selected for, shared. */
  readonly resolution: { readonly hidden: null; readonly rule: CompiledRule };
  /** Multiplexed tools: the rules of their operations. */
  readonly operations: CompiledOperations | null;
}

export interface CompiledOperations {
  /** The argument naming the operation. */
  readonly argument: string;
  readonly exact: ReadonlyMap<string, CompiledRule>;
  readonly patterns: PatternIndex<CompiledRule>;
}

/**
 * The allow or approval decision for a (tool rule, category) pair. When no limit takes its cost
 * from the arguments the decision is complete and shared; otherwise (`dynamic`) the evaluator
 * copies it with the costs of this call.
 */
export interface OutcomePlan {
  readonly decision: Decision;
  readonly limits: readonly CompiledLimit[];
  readonly dynamic: boolean;
}

/** Which session count `max_per_session` limits. */
export type RuleKind = { kind: "tool" } | { kind: "category"; category: RiskCategory } | { kind: "all_tools" };

type AnyRule = ToolRule | CategoryRule | AllToolsRule;

export function compileRule(rule: AnyRule, pointer: string, kind: RuleKind): CompiledRule {
  const onDeny = rule.on_deny ?? null;
  const action = "action" in rule ? (rule.action ?? null) : null;
  const checks: Check[] = [];
  if (action === "deny") {
    const denied = shared(denyDecision(`${pointer}/action`, deniedByAction(kind), onDeny));
    checks.push(() => denied);
  }
  rule.require?.forEach((condition, index) => checks.push(requireCheck(condition, childPointer(pointer, "require", index), onDeny)));
  rule.deny_if?.forEach((condition, index) => checks.push(denyIfCheck(condition, childPointer(pointer, "deny_if", index), onDeny)));
  if ("args_schema" in rule && rule.args_schema !== undefined) checks.push(argsSchemaCheck(rule.args_schema, pointer, onDeny));
  if (rule.validate_input === true) checks.push(inputSchemaCheck(`${pointer}/validate_input`, onDeny));
  if (rule.max_per_session !== undefined) checks.push(sessionCheck(rule.max_per_session, `${pointer}/max_per_session`, kind, onDeny));
  const options = "approval" in rule ? rule.approval : undefined;
  const approval: ApprovalRequirement | null =
    action === "require_approval"
      ? {
          timeoutSeconds: options?.timeout_seconds ?? APPROVAL_TIMEOUT_DEFAULT_SECONDS,
          mode: options?.mode ?? "retry",
          holdSeconds: options?.hold_seconds ?? APPROVAL_HOLD_DEFAULT_SECONDS,
          approvers: Object.freeze([...new Set((options?.approvers ?? []).map((email) => email.toLowerCase()))]),
        }
      : null;
  const limits = (rule.limits ?? []).map((limit, index) => compileLimit(limit, childPointer(pointer, "limits", index)));
  const compiled: { -readonly [K in keyof CompiledRule]: CompiledRule[K] } = {
    pointer,
    action,
    checks,
    limits,
    approval: approval && Object.freeze(approval),
    onDeny,
    outcomes: new Map(),
    resolution: undefined as unknown as CompiledRule["resolution"], // set just below: it points back at the rule
    operations: "operations" in rule && rule.operations !== undefined ? compileOperations(rule as ToolRule, pointer, kind) : null,
  };
  compiled.resolution = Object.freeze({ hidden: null, rule: compiled });
  return compiled;
}

function compileOperations(rule: ToolRule, pointer: string, kind: RuleKind): CompiledOperations {
  const exact = new Map<string, CompiledRule>();
  const patterns: PatternEntry<CompiledRule>[] = [];
  for (const [key, opRule] of Object.entries(rule.operations ?? {})) {
    const compiled = compileRule(opRule, childPointer(pointer, "operations", key), kind);
    if (isGlobPattern(key)) patterns.push({ glob: compileGlob(key), value: compiled });
    else exact.set(key, compiled);
  }
  return { argument: rule.operation_argument ?? OPERATION_ARGUMENT_DEFAULT, exact, patterns: new PatternIndex(patterns) };
}

/** The rule for this call of a multiplexed tool: its operation's, else the tool's own. */
export function operationRule(rule: CompiledRule, args: Readonly<Record<string, unknown>> | undefined): CompiledRule {
  const ops = rule.operations;
  if (ops === null || args === undefined) return rule;
  const op = args[ops.argument];
  if (typeof op !== "string") return rule;
  return ops.exact.get(op) ?? ops.patterns.find(op) ?? rule;
}

function deniedByAction(kind: RuleKind): string {
  return kind.kind === "category" ? `\`${kind.category}\` tools are denied by this policy` : "this tool is denied by this policy";
}

function requireCheck(condition: Condition, pointer: string, onDeny: string | null): Check {
  const compiled = compileCondition(condition);
  const failed = shared(denyDecision(pointer, compiled.requiredText, onDeny));
  return (call, context) => {
    const outcome = compiled.test(call, context);
    if (outcome === TRUE) return null;
    return outcome === FALSE ? failed : explainedDeny(pointer, compiled.explainUndecided(call, context), onDeny);
  };
}

function denyIfCheck(condition: Condition, pointer: string, onDeny: string | null): Check {
  const compiled = compileCondition(condition);
  const held = shared(denyDecision(pointer, compiled.holdsText, onDeny));
  return (call, context) => {
    const outcome = compiled.test(call, context);
    if (outcome === FALSE) return null;
    return outcome === TRUE ? held : explainedDeny(pointer, compiled.explainUndecided(call, context), onDeny);
  };
}

/**
 * A denial whose reason depends on the call (a value of the wrong type, arguments failing a
 * schema): the rule's `on_deny` alone would hide what the agent has to fix, so both are given.
 */
function explainedDeny(pointer: string, reason: string, onDeny: string | null): Decision {
  return denyDecision(pointer, reason, onDeny === null ? null : `${onDeny}: ${reason}`);
}

const NO_ARGS = Object.freeze({});

function argsSchemaCheck(schema: Record<string, unknown>, pointer: string, onDeny: string | null): Check {
  const validate = compileArgsSchema(schema);
  const here = `${pointer}/args_schema`;
  return (call) => {
    if (validate(call.args ?? NO_ARGS)) return null;
    return explainedDeny(here, `arguments do not match \`args_schema\`: ${describeArgsErrors(validate.errors)}`, onDeny);
  };
}

/** The upstream's own schema arrives with the context; its validator is cached by identity. */
function inputSchemaCheck(pointer: string, onDeny: string | null): Check {
  return (call, context) => {
    const schema = context.tool?.inputSchema;
    if (schema === undefined) {
      return explainedDeny(pointer, `the input schema of \`${call.tool}\` is unknown, so it cannot be enforced`, onDeny);
    }
    const validate = upstreamValidator(schema);
    if (typeof validate === "string") {
      return explainedDeny(pointer, `the input schema of \`${call.tool}\` cannot be enforced: ${validate}`, onDeny);
    }
    if (validate(call.args ?? NO_ARGS)) return null;
    return explainedDeny(pointer, `arguments do not match the input schema of \`${call.tool}\`: ${describeArgsErrors(validate.errors)}`, onDeny);
  };
}

function sessionCheck(max: number, pointer: string, kind: RuleKind, onDeny: string | null): Check {
  const path =
    kind.kind === "tool"
      ? "session.tool_call_count"
      : kind.kind === "category"
        ? `session.category_counts.${kind.category}`
        : "session.call_count";
  const count = compileGetter(path);
  const what = kind.kind === "category" ? `\`${kind.category}\` calls` : "calls";
  return (call, context) => {
    const seen = count(call, context);
    if (typeof seen !== "number") return explainedDeny(pointer, `the gateway did not supply \`${path}\``, onDeny);
    if (seen < max) return null;
    const subject = kind.kind === "tool" ? `calls to \`${call.tool}\`` : what;
    return denyDecision(pointer, `at most ${max} ${subject} are allowed per session`, onDeny);
  };
}

function compileLimit(limit: Limit, pointer: string): CompiledLimit {
  const resolved: ResolvedLimit = {
    counter: limit.counter,
    window: limit.window,
    windowMs: WINDOW_MS[limit.window],
    max: limit.max,
    scope: limit.scope ?? "grant",
    cost: 1,
    rule: pointer,
    ...(limit.increment_from === undefined ? {} : { incrementFrom: limit.increment_from }),
  };
  return { resolved: Object.freeze(resolved), cost: limit.increment_from === undefined ? null : compileGetter(limit.increment_from) };
}
