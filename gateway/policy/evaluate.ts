import { operationRule, type CompiledLimit, type CompiledRule, type OutcomePlan } from "./compile-rule";
import { hiddenPointer, resolveTool, type CompiledPolicy } from "./compile";
import type { EvaluationContext, ToolCall, ToolInfo } from "./context";
import { denyDecision, shared, type Decision, type ResolvedLimit } from "./decision";
import type { RiskCategory } from "./schema";

/**
 * The decision for one call: a pure function of the compiled policy, the call and its context
 * (the caches it fills are invisible to callers).
 *
 * Precedence:
 * 1. A hidden tool is refused as if it did not exist, whatever else the policy says.
 * 2. One tool rule applies: the exact name's rule, else the most specific matching pattern.
 * 3. The category rule of the tool's risk category applies as well, then `all_tools`.
 * 4. Any deny from those rules wins, reported in that order (tool rule, category, all_tools).
 * 5. Else, if the tool rule or the category rule requires approval, approval is required.
 * 6. Else the tool rule allows; without one, a category rule with `"action": "allow"` allows;
 *    without either, `default` decides.
 * Limits of the tool rule, the category rule and `all_tools` are all returned, to be reserved
 * together.
 */

const NO_CONTEXT: EvaluationContext = Object.freeze({});

export function evaluate(policy: CompiledPolicy, call: ToolCall, context: EvaluationContext = NO_CONTEXT): Decision {
  const resolution = resolveTool(policy, call.tool);
  if (resolution.hidden !== null) return resolution.hidden;
  // A multiplexed tool's operation has its own rule (the tool's, for operations it does not list).
  const toolRule = resolution.rule === null ? null : operationRule(resolution.rule, call.args);
  const category = context.tool?.category;
  const categoryRule = (category === undefined ? undefined : policy.categories.get(category)) ?? null;
  const denied =
    runChecks(toolRule, call, context) ?? runChecks(categoryRule, call, context) ?? runChecks(policy.allTools, call, context);
  if (denied !== null) return denied;
  return outcome(policy, toolRule, categoryRule, category, call);
}

/**
 * The operation of a call to a multiplexed tool, for the audit log: the string value of the
 * argument that the tool's rule (`operation_argument`) or else the inventory names; null for
 * other tools. Costs a cached lookup and allocates nothing.
 */
export function callOperation(policy: CompiledPolicy | null, tool: string, args: ToolCall["args"], info: ToolInfo | undefined): string | null {
  const argument = (policy === null ? null : resolveTool(policy, tool).rule?.operations?.argument) ?? info?.operationArgument;
  if (argument === undefined || args === undefined) return null;
  const value = args[argument];
  return typeof value === "string" ? value : null;
}

function runChecks(rule: CompiledRule | null, call: ToolCall, context: EvaluationContext): Decision | null {
  if (rule === null) return null;
  const checks = rule.checks;
  for (let i = 0; i < checks.length; i++) {
    const decision = checks[i](call, context);
    if (decision !== null) return decision;
  }
  return null;
}

function outcome(
  policy: CompiledPolicy,
  toolRule: CompiledRule | null,
  categoryRule: CompiledRule | null,
  category: RiskCategory | undefined,
  call: ToolCall,
): Decision {
  const grants = toolRule !== null || categoryRule?.action === "allow" || categoryRule?.action === "require_approval";
  if (!grants && policy.defaultEffect === "deny") return policy.defaultDeny;
  const cache = toolRule?.outcomes ?? policy.defaultOutcomes;
  const key = category ?? "";
  let plan = cache.get(key);
  if (plan === undefined) {
    plan = planOutcome(policy, toolRule, categoryRule);
    cache.set(key, plan);
  }
  return plan.dynamic ? withCosts(plan, call) : plan.decision;
}

function planOutcome(policy: CompiledPolicy, toolRule: CompiledRule | null, categoryRule: CompiledRule | null): OutcomePlan {
  const limits = mergeLimits([toolRule, categoryRule, policy.allTools]);
  const approver = [toolRule, categoryRule].find((rule) => rule?.action === "require_approval") ?? null;
  const resolved = limits.map((limit) => limit.resolved);
  let decision: Decision;
  if (approver !== null) {
    const reason = "a human must approve this call before it runs";
    decision = { effect: "require_approval", rule: `${approver.pointer}/action`, message: reason, reason, limits: resolved, approval: approver.approval! };
  } else {
    const allower = toolRule ?? (categoryRule?.action === "allow" ? categoryRule : null);
    const reason = allower === null ? "no rule matched, and the policy allows by default" : `allowed by \`${allower.pointer}\``;
    decision = { effect: "allow", rule: allower?.pointer ?? "/default", message: reason, reason, limits: resolved };
  }
  return { decision: shared(decision), limits, dynamic: limits.some((limit) => limit.cost !== null) };
}

/** Limits of all applying rules; a counter named twice is reserved once, as its first rule says. */
function mergeLimits(rules: readonly (CompiledRule | null)[]): CompiledLimit[] {
  const seen = new Set<string>();
  const merged: CompiledLimit[] = [];
  for (const rule of rules) {
    for (const limit of rule?.limits ?? []) {
      if (seen.has(limit.resolved.counter)) continue;
      seen.add(limit.resolved.counter);
      merged.push(limit);
    }
  }
  return merged;
}

/**
 * A spend cap's cost is the argument's value, rounded up to a whole unit (the limiter counts
 * whole units). Anything but a non-negative number within the safe integer range is denied.
 */
function withCosts(plan: OutcomePlan, call: ToolCall): Decision {
  const limits: ResolvedLimit[] = [];
  for (const limit of plan.limits) {
    if (limit.cost === null) {
      limits.push(limit.resolved);
      continue;
    }
    const value = limit.cost(call, NO_CONTEXT);
    const cost = typeof value === "number" && value >= 0 ? Math.ceil(value) : NaN;
    if (!Number.isSafeInteger(cost)) {
      const { incrementFrom, counter, rule } = limit.resolved;
      return denyDecision(`${rule}/increment_from`, `\`${incrementFrom}\` must be a non-negative number, it is the amount counted by \`${counter}\``, null);
    }
    limits.push({ ...limit.resolved, cost });
  }
  return { ...plan.decision, limits };
}

export function isHidden(policy: CompiledPolicy, name: string): boolean {
  return hiddenPointer(policy.hide, name) !== null;
}

/** The tools an agent may see in `tools/list`: hidden ones removed, denied ones kept. */
export function filterToolList<T extends { readonly name: string }>(policy: CompiledPolicy, tools: readonly T[]): T[] {
  if (policy.hide.all !== null) return [];
  return tools.filter((tool) => !isHidden(policy, tool.name));
}
