/**
 * Multiplexed tools: one tool, many operations chosen by an argument (`operation`, `action`,
 * `command`, `method`, `op`…), like the Amazon Data Processing server's `manage_aws_glue_jobs`
 * with `operation: "create-job" | "delete-job" | "get-job" | …`. Rating such a tool as a whole
 * says little, so each operation is rated on its own from its name, and the tool is as risky as
 * its riskiest operation.
 */

import { declaredValues } from "../policy/operation-names";
import { decideRisk } from "./decide";
import { readSignals } from "./signals";
import { splitIdentifier } from "./tokenize";
import type { RiskCategory, RiskLevel, ToolDefinition } from "./types";
import { RISK_LEVELS } from "./types";
import { SEVERITY, VERBS } from "./vocabulary";

/** Argument names that select an operation, most telling first (compared without case, `_` or `-`). */
const OPERATION_ARGUMENTS = ["operation", "operationtype", "operationname", "action", "actiontype", "command", "subcommand", "method", "op", "verb"];
/** More than this many values is a vocabulary, not a set of operations. */
const MAX_OPERATIONS = 200;

export interface DetectedOperations {
  /** The argument as the schema spells it. */
  argument: string;
  values: string[];
  /** Where the values came from: the property's enum, or a list in its description. */
  source: "enum" | "description";
}

export interface OperationRating {
  name: string;
  category: RiskCategory;
  level: RiskLevel;
  reasons: string[];
}

export interface OperationsBreakdown extends DetectedOperations {
  operations: OperationRating[];
}

const normalise = (name: string) => name.toLowerCase().replace(/[-_\s]/g, "");

export function detectOperations(tool: ToolDefinition): DetectedOperations | null {
  const schema = tool.inputSchema as { properties?: unknown } | undefined;
  const properties = schema && typeof schema === "object" ? schema.properties : undefined;
  if (!properties || typeof properties !== "object") return null;
  const candidates = Object.entries(properties as Record<string, unknown>)
    .filter(([name]) => OPERATION_ARGUMENTS.includes(normalise(name)))
    .sort(([a], [b]) => OPERATION_ARGUMENTS.indexOf(normalise(a)) - OPERATION_ARGUMENTS.indexOf(normalise(b)));
  for (const [argument, property] of candidates) {
    if (!property || typeof property !== "object") continue;
    const p = property as { type?: unknown; enum?: unknown; oneOf?: unknown; anyOf?: unknown; description?: unknown };
    if (p.type !== undefined && p.type !== "string") continue;
    const enumerated = declaredValues(p);
    if (enumerated.length >= 2) return { argument, values: enumerated.slice(0, MAX_OPERATIONS), source: "enum" };
    const listed = typeof p.description === "string" ? listedOperations(p.description) : [];
    if (listed.length >= 2) return { argument, values: listed.slice(0, MAX_OPERATIONS), source: "description" };
  }
  return null;
}

/**
 * Operations named in a description: "Operation to perform: create-job, delete-job, get-job or
 * list-jobs." After a colon, a list of single identifiers (separated by commas, "or", "and",
 * "|") is the operations; without a colon, only compound identifiers starting with an action
 * word (`delete-job`, `list_tables`) count, so plain prose is not mistaken for a list.
 */
function listedOperations(description: string): string[] {
  const colon = description.indexOf(":");
  if (colon >= 0) {
    const items = description
      .slice(colon + 1)
      .split(/[,;|\n]|\s+or\s+|\s+and\s+/)
      .map((item) => item.trim().replace(/^[`'"]+|[`'".]+$/g, ""));
    const identifiers = items.filter((item) => /^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$/.test(item));
    // Most items must be identifiers, or the colon introduced prose.
    if (identifiers.length >= 2 && identifiers.length >= items.filter(Boolean).length * 0.6) return unique(identifiers);
  }
  const tokens = description.match(/[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+/g) ?? [];
  return unique(tokens.filter((t) => VERBS.has(splitIdentifier(t)[0] ?? "")));
}

/** Operations that run or stop something are Execute, whatever the name's verb says elsewhere. */
const EXECUTE_OPERATION_VERBS = new Set(["start", "run", "stop", "cancel", "submit", "execute", "trigger", "invoke"]);

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Each operation rated from its own name; one without an action word is rated as the tool. */
export function rateOperations(detected: DetectedOperations, tool: { category: RiskCategory; level: RiskLevel; money: boolean }): OperationsBreakdown {
  const operations = detected.values.map((name): OperationRating => {
    const signals = readSignals({ name });
    if (!signals.nameVerb && !signals.nameDestructive) {
      return { name, category: tool.category, level: tool.level, reasons: ["no action word in the operation's name: rated as the tool"] };
    }
    const decided = decideRisk(signals);
    const verb = signals.nameVerb?.token;
    if (verb && EXECUTE_OPERATION_VERBS.has(verb) && (decided.category === "Write" || decided.category === "Read")) {
      return { name, category: "Execute", level: decided.level === "low" ? "medium" : decided.level, reasons: [`operation name says "${verb}": it runs or stops something`, ...decided.reasons] };
    }
    // A money word in one operation's name (git's "checkout") is money only if the tool is about money.
    if (decided.category === "Financial" && !tool.money) {
      const { category, level } = decideRisk({ ...signals, money: [] });
      return { name, category, level, reasons: [`a money word in the name, but the tool is not about money`, ...decided.reasons.filter((r) => !/money|financial/i.test(r))] };
    }
    return { name, ...decided };
  });
  return { ...detected, operations };
}

/** The riskiest operation: the more severe category, then the higher level. */
export function riskiest(operations: readonly OperationRating[]): OperationRating | undefined {
  let best: OperationRating | undefined;
  for (const op of operations) {
    if (!best || rank(op) > rank(best)) best = op;
  }
  return best;
}

const rank = (op: { category: RiskCategory; level: RiskLevel }) => SEVERITY[op.category] * 10 + RISK_LEVELS.indexOf(op.level);
