/**
 * From signals to a category and a level, with the reasons.
 *
 * Category: what the name's action word says, else the description's first sentence; then two
 * upgrades that only make it more severe: a command-carrying input makes a Read or Write an
 * Execute, and money (money words, amount or currency inputs) makes a Write or Execute a
 * Financial; a Write whose description says it overwrites or replaces existing content is
 * Destructive. A destructive word anywhere in the name makes it Destructive.
 *
 * Level: Read low, Write medium, Execute high, Destructive and Financial critical; a Read of
 * secrets or the environment is medium. Annotations come from the server and are not trusted,
 * so they may only raise: `destructiveHint` raises the level to high, `readOnlyHint: false`
 * raises a Read to medium, and a tool with no content signal at all takes its category from
 * them. `readOnlyHint: true` and `destructiveHint: false` never lower anything.
 */

import type { RiskCategory, RiskLevel, RiskSignals } from "./types";
import { RISK_LEVELS } from "./types";
import { SEVERITY } from "./vocabulary";

export interface RiskDecision {
  category: RiskCategory;
  level: RiskLevel;
  reasons: string[];
}

const BASE_LEVEL: Readonly<Record<RiskCategory, RiskLevel>> = {
  Read: "low",
  Write: "medium",
  Execute: "high",
  Destructive: "critical",
  Financial: "critical",
};

function fromWords(signals: RiskSignals, reasons: string[]): RiskCategory | undefined {
  const { nameVerb, descriptionVerb } = signals;
  let category: RiskCategory | undefined;
  if (nameVerb) {
    category = nameVerb.category;
    reasons.push(`name says "${nameVerb.token}": ${category}`);
  } else if (descriptionVerb) {
    category = descriptionVerb.category;
    reasons.push(`description says "${descriptionVerb.token}": ${category}`);
  }
  const destructive = signals.nameDestructive;
  if (destructive && (!category || SEVERITY[category] < SEVERITY.Destructive)) {
    category = "Destructive";
    reasons.push(`name contains "${destructive}": Destructive`);
  }
  return category;
}

function upgraded(category: RiskCategory | undefined, signals: RiskSignals, reasons: string[]) {
  let result = category;
  if ((!result || result === "Read" || result === "Write") && signals.executableInput.length > 0) {
    result = "Execute";
    reasons.push(`input "${signals.executableInput[0]}" carries a command to run: Execute`);
  }
  if ((!result || result === "Write" || result === "Execute") && signals.money.length > 0) {
    result = "Financial";
    reasons.push(`acts on money (${signals.money.slice(0, 3).join(", ")}): Financial`);
  }
  if (result === "Write" && signals.overwrites) {
    result = "Destructive";
    reasons.push(`description says it overwrites existing content ("${signals.overwrites}"): Destructive`);
  }
  return result;
}

/** No content signal at all: the annotations may make it worse than the default, never better. */
function fallback(signals: RiskSignals, reasons: string[]): RiskCategory {
  const { readOnlyHint, destructiveHint } = signals.annotations;
  if (destructiveHint === true && readOnlyHint !== true) {
    reasons.push("no action word; the server marks it destructive: Destructive");
    return "Destructive";
  }
  reasons.push("no action word in name or description: treated as a Write");
  return "Write";
}

function atLeast(level: RiskLevel, floor: RiskLevel): boolean {
  return RISK_LEVELS.indexOf(level) >= RISK_LEVELS.indexOf(floor);
}

function riskLevel(category: RiskCategory, signals: RiskSignals, reasons: string[]): RiskLevel {
  let level = BASE_LEVEL[category];
  const { readOnlyHint, destructiveHint } = signals.annotations;
  if (category === "Read" && signals.sensitive.length > 0) {
    level = "medium";
    reasons.push(`reads sensitive data ("${signals.sensitive[0]}"): level medium`);
  }
  if (destructiveHint === true && readOnlyHint !== true && !atLeast(level, "high")) {
    level = "high";
    reasons.push("annotation destructiveHint: level raised to high");
  }
  if (readOnlyHint === false && level === "low") {
    level = "medium";
    reasons.push("annotation readOnlyHint false: level raised to medium");
  }
  if (readOnlyHint === true && category !== "Read") {
    reasons.push("annotation readOnlyHint ignored: hints may raise the risk, never lower it");
  }
  return level;
}

export function decideRisk(signals: RiskSignals): RiskDecision {
  const reasons: string[] = [];
  const category = upgraded(fromWords(signals, reasons), signals, reasons) ?? fallback(signals, reasons);
  const level = riskLevel(category, signals, reasons);
  return { category, level, reasons };
}
