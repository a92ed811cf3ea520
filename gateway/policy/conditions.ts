import type { EvaluationContext, ToolCall } from "./context";
import { isPrimitive, jsonEqual, jsonTypeOf, quote, quoteList } from "./json-value";
import { compileGetter, MISSING_CONTEXT, type Getter } from "./paths";
import { REGEX_INPUT_MAX_CHARS } from "./regex-safety";
import { compileSafeRegex, withinRegexInputLimit } from "./safe-regex";
import type { Condition, ConditionOp } from "./schema";

/**
 * Conditions compiled to closures. A condition has three outcomes: it holds, it does not, or it
 * cannot be decided (the value has the wrong type, is too long for a regex, or the gateway did
 * not supply a context field). Rules treat "cannot be decided" as a denial, so a policy fails
 * closed: `deny_if args.amount gt 1000` is not bypassed by sending the amount as a string.
 *
 * An absent argument is a value like any other: it equals nothing, is in no list, compares as
 * neither greater nor less, and does not exist. So `deny_if args.amount gt 1000` lets a call
 * without an amount through, and `require args.ticket exists` stops it.
 */

export const FALSE = 0;
export const TRUE = 1;
export const UNDECIDED = 2;
export type Outcome = typeof FALSE | typeof TRUE | typeof UNDECIDED;

export interface CompiledCondition {
  readonly path: string;
  test(call: ToolCall, context: EvaluationContext): Outcome;
  /** Why the condition could not be decided; only meaningful after test returned UNDECIDED. */
  explainUndecided(call: ToolCall, context: EvaluationContext): string;
  /** Phrase for a `deny_if` that holds: "`args.amount` is greater than `1000`". */
  readonly holdsText: string;
  /** Phrase for a `require` that fails: "`args.amount` must be greater than `1000`". */
  readonly requiredText: string;
}

type Test = (actual: unknown) => Outcome;

/** Compiles a condition that passed semantic validation. */
export function compileCondition(condition: Condition): CompiledCondition {
  const get = compileGetter(condition.path);
  const test = buildTest(condition.op, condition.value);
  const [holds, required] = phrases(condition);
  return {
    path: condition.path,
    test: (call, context) => {
      const actual = get(call, context);
      return actual === MISSING_CONTEXT ? UNDECIDED : test(actual);
    },
    explainUndecided: (call, context) => explain(condition, get, call, context),
    holdsText: holds,
    requiredText: required,
  };
}

function buildTest(op: ConditionOp, value: unknown): Test {
  switch (op) {
    case "eq":
      return equalsTest(value);
    case "neq":
      return negate(equalsTest(value));
    case "in":
      return memberTest(value as unknown[]);
    case "not_in":
      return negate(memberTest(value as unknown[]));
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      return orderTest(op, value as number | string);
    case "regex":
      return regexTest(value as string);
    case "contains":
      return containsTest(value);
    case "exists":
      return value === false
        ? (actual) => (actual === undefined || actual === null ? TRUE : FALSE)
        : (actual) => (actual === undefined || actual === null ? FALSE : TRUE);
  }
}

function equalsTest(value: unknown): Test {
  if (isPrimitive(value)) return (actual) => (actual === value ? TRUE : FALSE);
  return (actual) => (jsonEqual(actual, value) ? TRUE : FALSE);
}

function memberTest(values: readonly unknown[]): Test {
  if (values.every(isPrimitive)) {
    const set = new Set<unknown>(values);
    return (actual) => (set.has(actual) ? TRUE : FALSE);
  }
  return (actual) => (values.some((value) => jsonEqual(actual, value)) ? TRUE : FALSE);
}

/** Absent stays absent: `neq` and `not_in` hold for a missing argument; errors stay errors. */
function negate(test: Test): Test {
  return (actual) => {
    const outcome = test(actual);
    return outcome === UNDECIDED ? UNDECIDED : outcome === TRUE ? FALSE : TRUE;
  };
}

function orderTest(op: "lt" | "lte" | "gt" | "gte", bound: number | string): Test {
  const type = typeof bound;
  const compare =
    op === "lt"
      ? (a: number | string) => a < bound
      : op === "lte"
        ? (a: number | string) => a <= bound
        : op === "gt"
          ? (a: number | string) => a > bound
          : (a: number | string) => a >= bound;
  return (actual) => {
    if (actual === undefined) return FALSE;
    if (typeof actual !== type) return UNDECIDED;
    return compare(actual as number | string) ? TRUE : FALSE;
  };
}

function regexTest(source: string): Test {
  const compiled = compileSafeRegex(source);
  if (!compiled.ok) throw new Error(compiled.message); // validation rejects these first
  const regex = compiled.regex;
  return (actual) => {
    if (actual === undefined) return FALSE;
    if (typeof actual !== "string" || !withinRegexInputLimit(actual)) return UNDECIDED;
    return regex.test(actual) ? TRUE : FALSE;
  };
}

function containsTest(value: unknown): Test {
  return (actual) => {
    if (actual === undefined) return FALSE;
    if (typeof actual === "string" && typeof value === "string") return actual.includes(value) ? TRUE : FALSE;
    if (Array.isArray(actual)) return actual.some((item) => jsonEqual(item, value)) ? TRUE : FALSE;
    return UNDECIDED;
  };
}

function explain(condition: Condition, get: Getter, call: ToolCall, context: EvaluationContext): string {
  const actual = get(call, context);
  const path = "`" + condition.path + "`";
  if (actual === MISSING_CONTEXT) return `the gateway did not supply ${path}`;
  const type = jsonTypeOf(actual);
  switch (condition.op) {
    case "regex":
      return typeof actual === "string"
        ? `${path} is longer than ${REGEX_INPUT_MAX_CHARS} characters, too long to match against a regex`
        : `${path} is ${article(type)}, expected a string to match against a regex`;
    case "contains":
      return `${path} is ${article(type)}, expected ${typeof condition.value === "string" ? "a string or an array" : "an array"}`;
    default:
      return `${path} is ${article(type)}, expected ${article(typeof condition.value)} to compare with ${quote(condition.value)}`;
  }
}

function article(type: string): string {
  return (/^[aeiou]/.test(type) ? "an " : "a ") + type;
}

const PHRASES: Record<ConditionOp, [holds: string, required: string]> = {
  eq: ["is", "must be"],
  neq: ["is not", "must not be"],
  in: ["is one of", "must be one of"],
  not_in: ["is not one of", "must not be one of"],
  lt: ["is less than", "must be less than"],
  lte: ["is at most", "must be at most"],
  gt: ["is greater than", "must be greater than"],
  gte: ["is at least", "must be at least"],
  regex: ["matches", "must match"],
  contains: ["contains", "must contain"],
  exists: ["is present", "must be present"],
};

function phrases(condition: Condition): [string, string] {
  const path = "`" + condition.path + "`";
  if (condition.op === "exists") {
    return condition.value === false
      ? [`${path} is absent`, `${path} must be absent`]
      : [`${path} is present`, `${path} must be present`];
  }
  const value = Array.isArray(condition.value) ? quoteList(condition.value) : quote(condition.value);
  const [holds, required] = PHRASES[condition.op];
  return [`${path} ${holds} ${value}`, `${path} ${required} ${value}`];
}
