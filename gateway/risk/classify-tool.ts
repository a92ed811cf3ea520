/**
 * Classifies an MCP tool by risk from its definition alone: deterministic, no I/O, linear in the
 * (capped) size of the name, first description sentence and property list.
 */

import { decideRisk } from "./decide";
import { recommendRule } from "./recommend";
import { readSignals } from "./signals";
import { detectOperations, rateOperations, riskiest, type OperationRating, type OperationsBreakdown } from "./operations";
import { RISK_LEVELS, type RecommendedRule, type RiskClassification, type RiskLevel, type RiskSignals, type ToolDefinition } from "./types";

export function classifyTool(tool: ToolDefinition): RiskClassification {
  const signals = readSignals(tool);
  const { category, level, reasons } = decideRisk(signals);
  const name = String(tool.name ?? "");
  const detected = detectOperations(tool);
  if (detected) {
    const breakdown = rateOperations(detected, { category, level, money: signals.money.length > 0 || category === "Financial" });
    const top = riskiest(breakdown.operations);
    if (top) return multiplexed(name, signals, reasons, breakdown, top);
  }
  const recommended = recommendRule(name, category, level, signals);
  return { category, level, reasons, signals, recommended };
}

/**
 * A multiplexed tool is as risky as its riskiest operation; its recommended rule gives every
 * operation the rule its own rating recommends, and denies operations nobody has rated.
 */
function multiplexed(name: string, signals: RiskSignals, toolReasons: string[], breakdown: OperationsBreakdown, top: OperationRating): RiskClassification {
  const level = breakdown.operations.reduce<RiskLevel>((max, op) => (RISK_LEVELS.indexOf(op.level) > RISK_LEVELS.indexOf(max) ? op.level : max), "low");
  const reasons = [
    `selects one of ${breakdown.operations.length} operations by \`${breakdown.argument}\` (${breakdown.source === "enum" ? "its enum" : "listed in its description"}); the riskiest, \`${top.name}\`, is ${top.category}`,
    ...toolReasons.map((r) => `the tool as a whole: ${r}`),
  ];
  const operations: Record<string, RecommendedRule> = {};
  for (const op of breakdown.operations) operations[op.name] = recommendRule(`${name}_${op.name}`, op.category, op.level, readSignals({ name: op.name })).rule;
  const rule: RecommendedRule = {
    action: "deny",
    on_deny: `\`${name}\`: this operation is not among the rated ones`,
    ...(breakdown.argument === "operation" ? {} : { operation_argument: breakdown.argument }),
    operations,
  };
  const lanes = breakdown.operations.map((op) => recommendRule(name, op.category, op.level, readSignals({ name: op.name })).lane);
  const lane = (["deny", "require_approval", "rate_limit", "allow"] as const).find((l) => lanes.includes(l)) ?? "allow";
  return {
    category: top.category,
    level,
    reasons,
    signals,
    recommended: { lane, rule, why: "one rule per operation, by each operation's own rating; unrated operations denied" },
    operations: { argument: breakdown.argument, source: breakdown.source, items: breakdown.operations },
  };
}
