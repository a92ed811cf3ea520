import type { PolicyError } from "./errors";
import { checkToolKey } from "./glob";
import { checkArgsSchema } from "./json-schema";
import { jsonTypeOf } from "./json-value";
import { operationNameErrors, type KnownTools } from "./operation-names";
import { checkConditionPath, splitPath } from "./paths";
import { childPointer } from "./pointer";
import { compileSafeRegex } from "./safe-regex";
import { CONDITION_OPS, RISK_CATEGORIES, type ConditionOp } from "./schema";

/**
 * Checks beyond the shape: tool keys and hide entries are valid patterns, condition paths exist,
 * each operator has a value it can use, regexes compile and are safe, argument schemas compile,
 * and limits sharing a counter agree; given the server's tools, operation names exist. The walk reads the raw document defensively and skips
 * whatever has the wrong shape (the schema reports those), so that shape errors and these
 * errors all come out of one validation.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function semanticErrors(document: unknown, tools?: KnownTools): PolicyError[] {
  const out: PolicyError[] = [];
  if (!isObject(document)) return out;
  checkHide(document.hide, out);
  for (const { pointer, rule } of rulesOf(document)) checkRule(rule, pointer, out);
  if (isObject(document.tools)) {
    for (const key of Object.keys(document.tools)) {
      const problem = checkToolKey(key);
      if (problem !== null) out.push({ path: childPointer("/tools", key), message: problem });
      const rule = document.tools[key];
      if (!isObject(rule)) continue;
      if (rule.operation_argument !== undefined && rule.operations === undefined) {
        out.push({ path: childPointer("/tools", key, "operation_argument"), message: "`operation_argument` only applies with `operations`" });
      }
      if (isObject(rule.operations)) {
        for (const op of Object.keys(rule.operations)) {
          const opProblem = checkToolKey(op);
          if (opProblem !== null) out.push({ path: childPointer("/tools", key, "operations", op), message: opProblem.replace("tool", "operation") });
        }
      }
    }
  }
  checkCounters(document, out);
  if (tools !== undefined) out.push(...operationNameErrors(document, tools));
  return out;
}

/** Every rule object in the document with its pointer: all_tools, tools, then categories. */
export function rulesOf(document: Json): { pointer: string; rule: Json }[] {
  const rules: { pointer: string; rule: Json }[] = [];
  if (isObject(document.all_tools)) rules.push({ pointer: "/all_tools", rule: document.all_tools });
  for (const [section, keys] of [
    ["tools", isObject(document.tools) ? Object.keys(document.tools) : []],
    ["categories", RISK_CATEGORIES],
  ] as const) {
    const map = document[section];
    if (!isObject(map)) continue;
    for (const key of keys) {
      if (!Object.hasOwn(map, key) || !isObject(map[key])) continue;
      const pointer = childPointer(`/${section}`, key);
      rules.push({ pointer, rule: map[key] as Json });
      // A multiplexed tool's operations are rules too (their limits count like any other).
      const operations = (map[key] as Json).operations;
      if (section === "tools" && isObject(operations)) {
        for (const op of Object.keys(operations)) if (isObject(operations[op])) rules.push({ pointer: childPointer(pointer, "operations", op), rule: operations[op] as Json });
      }
    }
  }
  return rules;
}

function checkHide(hide: unknown, out: PolicyError[]): void {
  if (!Array.isArray(hide)) return;
  hide.forEach((entry, index) => {
    if (typeof entry !== "string" || entry.length === 0) return;
    const problem = checkToolKey(entry);
    if (problem !== null) out.push({ path: `/hide/${index}`, message: problem });
  });
}

function checkRule(rule: Json, pointer: string, out: PolicyError[]): void {
  for (const list of ["require", "deny_if"] as const) {
    const conditions = rule[list];
    if (!Array.isArray(conditions)) continue;
    conditions.forEach((condition, index) => {
      if (isObject(condition)) checkCondition(condition, childPointer(pointer, list, index), out);
    });
  }
  if (Array.isArray(rule.limits)) {
    rule.limits.forEach((limit, index) => {
      if (isObject(limit)) checkLimit(limit, childPointer(pointer, "limits", index), out);
    });
  }
  // all_tools has neither field and categories have no args_schema: the schema reports those.
  const isTool = pointer.startsWith("/tools/");
  if (pointer !== "/all_tools" && rule.approval !== undefined && rule.action !== "require_approval") {
    out.push({ path: `${pointer}/approval`, message: "`approval` only applies when `action` is `require_approval`" });
  }
  if (isTool && isObject(rule.args_schema)) {
    for (const problem of checkArgsSchema(rule.args_schema)) {
      out.push({ path: `${pointer}/args_schema${problem.pointer}`, message: problem.message });
    }
  }
}

function checkCondition(condition: Json, pointer: string, out: PolicyError[]): void {
  if (typeof condition.path === "string" && condition.path.length > 0) {
    const problem = checkConditionPath(condition.path);
    if (problem !== null) out.push({ path: `${pointer}/path`, message: problem });
  }
  const op = condition.op;
  if (typeof op !== "string" || !CONDITION_OPS.includes(op as ConditionOp)) return;
  const problem = checkOperatorValue(op as ConditionOp, condition);
  if (problem !== null) out.push({ path: `${pointer}/value`, message: problem });
}

/** Returns why `value` does not suit `op`, or null. */
function checkOperatorValue(op: ConditionOp, condition: Json): string | null {
  const has = Object.hasOwn(condition, "value") && condition.value !== undefined;
  const value = condition.value;
  if (op === "exists") {
    return !has || typeof value === "boolean" ? null : "operator `exists` takes no value, or `true` or `false`";
  }
  if (!has) return `missing required field \`value\` for operator \`${op}\``;
  switch (op) {
    case "in":
    case "not_in":
      return Array.isArray(value) ? null : `operator \`${op}\` needs an array of values, got ${jsonTypeOf(value)}`;
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      return typeof value === "number" || typeof value === "string"
        ? null
        : `operator \`${op}\` needs a number or a string, got ${jsonTypeOf(value)}`;
    case "regex": {
      if (typeof value !== "string") return `operator \`regex\` needs a string, got ${jsonTypeOf(value)}`;
      const compiled = compileSafeRegex(value);
      return compiled.ok ? null : compiled.message;
    }
    default:
      return null;
  }
}

function checkLimit(limit: Json, pointer: string, out: PolicyError[]): void {
  const from = limit.increment_from;
  if (typeof from === "string" && from.length > 0) {
    const segments = splitPath(from);
    if (segments === null || segments[0] !== "args" || segments.length < 2) {
      out.push({ path: `${pointer}/increment_from`, message: `\`increment_from\` must be an argument path such as \`args.amount\`, got \`${from}\`` });
    }
  }
}

/** Limits naming the same counter share it, so they must describe the same limit. */
function checkCounters(document: Json, out: PolicyError[]): void {
  const first = new Map<string, { pointer: string; signature: string }>();
  for (const { pointer, rule } of rulesOf(document)) {
    if (!Array.isArray(rule.limits)) continue;
    rule.limits.forEach((limit, index) => {
      if (!isObject(limit) || typeof limit.counter !== "string") return;
      const here = childPointer(pointer, "limits", index);
      const signature = counterSignature(limit);
      const earlier = first.get(limit.counter);
      if (earlier === undefined) first.set(limit.counter, { pointer: here, signature });
      else if (earlier.signature !== signature) {
        out.push({
          path: `${here}/counter`,
          message: `counter \`${limit.counter}\` is also defined at \`${earlier.pointer}\` as ${earlier.signature}, here as ${signature}; limits sharing a counter must agree`,
        });
      }
    });
  }
}

function counterSignature(limit: Json): string {
  const counts = typeof limit.increment_from === "string" ? "an amount" : "calls";
  return `\`${String(limit.max)}\` ${counts} per \`${String(limit.window)}\` per \`${String(limit.scope ?? "grant")}\``;
}
