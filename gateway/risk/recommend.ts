/**
 * The rule "Apply recommended policy" writes for a tool, in the policy language:
 *   low       allow:            {}
 *   medium    rate limit:       30 calls a minute per grant
 *   high      rate limit:       10 calls a minute per grant, arguments checked against the
 *                               tool's own inputSchema (validate_input)
 *   critical  require approval: a human approves each call; irreversible destruction (drop,
 *                               purge, truncate, wipe, destroy, erase) is denied outright
 */

import type { RecommendedLane, RecommendedRule, RiskCategory, RiskLevel, RiskSignals } from "./types";
import { IRREVERSIBLE_VERBS } from "./vocabulary";

export interface Recommendation {
  lane: RecommendedLane;
  rule: RecommendedRule;
  why: string;
}

/** Counter names are at most 128 characters in a policy. */
function counterName(toolName: string): string {
  return `${toolName.slice(0, 120)}_rate`;
}

function irreversibleWord(signals: RiskSignals): string | undefined {
  const words = [signals.nameDestructive, signals.nameVerb?.token];
  return words.find((word): word is string => word !== undefined && IRREVERSIBLE_VERBS.has(word));
}

function rateLimited(toolName: string, max: number, validate: boolean): RecommendedRule {
  const limits = [{ counter: counterName(toolName), window: "minute" as const, max, scope: "grant" as const }];
  return validate ? { validate_input: true, limits } : { limits };
}

export function recommendRule(
  toolName: string,
  category: RiskCategory,
  level: RiskLevel,
  signals: RiskSignals,
): Recommendation {
  if (level === "low") {
    return { lane: "allow", rule: {}, why: "reads without side effects" };
  }
  if (level === "medium") {
    return { lane: "rate_limit", rule: rateLimited(toolName, 30, false), why: "changes state: cap the rate per agent" };
  }
  if (level === "high") {
    const why = "runs or changes things with effects hard to predict: tight rate limit and argument validation";
    return { lane: "rate_limit", rule: rateLimited(toolName, 10, true), why };
  }
  const irreversible = category === "Destructive" ? irreversibleWord(signals) : undefined;
  if (irreversible) {
    const on_deny = `\`${toolName}\` ${irreversible}s data irreversibly; a human must run it outside the agent`;
    return { lane: "deny", rule: { action: "deny", on_deny }, why: "irreversible destruction: deny" };
  }
  const why = category === "Financial" ? "moves money: a human approves each call" : "destroys data: a human approves each call";
  return { lane: "require_approval", rule: { action: "require_approval", validate_input: true }, why };
}
