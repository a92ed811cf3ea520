import type { EvaluationContext, ToolCall } from "./context";
import { RISK_CATEGORIES, type RiskCategory } from "./schema";

/**
 * Condition paths: `args.amount`, `args.items[0].sku`, `grant.metadata.team`,
 * `session.call_count` and the other context fields listed in PATH_FORMS. A path is parsed and
 * checked once, at validation, then turned into a getter closure at compile time.
 */

/** Returned by a getter when the gateway did not supply a context field the policy relies on. */
export const MISSING_CONTEXT: unique symbol = Symbol("missing context");

export type Getter = (call: ToolCall, context: EvaluationContext) => unknown;

/** Every accepted path, for error messages and the docs. */
export const PATH_FORMS = [
  "args",
  "args.*",
  "grant.id",
  "grant.label",
  "grant.metadata.*",
  "session.id",
  "session.call_count",
  "session.tool_call_count",
  "session.category_call_count",
  "session.category_counts.<Category>",
  "tool.name",
  "tool.category",
  "tool.level",
  "server.id",
  "org.id",
] as const;

const SEGMENT = /^[^.[\]\s]+/;
const INDEX = /^\[(\d+)\]/;
const INDEX_KEY = /^\d+$/;

/** Splits `a.b[0].c` into `["a", "b", 0, "c"]`; null when the syntax is wrong. */
export function splitPath(path: string): (string | number)[] | null {
  const head = SEGMENT.exec(path);
  if (head === null) return null;
  const segments: (string | number)[] = [head[0]];
  let rest = path.slice(head[0].length);
  while (rest.length > 0) {
    const index = INDEX.exec(rest);
    if (index !== null) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    const segment = rest[0] === "." ? SEGMENT.exec(rest.slice(1)) : null;
    if (segment === null) return null;
    segments.push(segment[0]);
    rest = rest.slice(segment[0].length + 1);
  }
  return segments;
}

/** Returns why `path` is not a usable condition path, or null. */
export function checkConditionPath(path: string): string | null {
  const segments = splitPath(path);
  if (segments === null) return `invalid path \`${path}\`: expected dot-separated names with optional \`[n]\` indexes`;
  const [root, second, third] = segments;
  const extra = segments.length;
  switch (root) {
    case "args":
      return null;
    case "grant":
      if (second === "metadata" || ((second === "id" || second === "label") && extra === 2)) return null;
      return unknownPath(path, ["grant.id", "grant.label", "grant.metadata.*"]);
    case "session":
      return checkSessionPath(path, segments, second, third);
    case "tool":
      if (extra === 2 && (second === "name" || second === "category" || second === "level")) return null;
      return unknownPath(path, ["tool.name", "tool.category", "tool.level"]);
    case "server":
    case "org":
      if (extra === 2 && second === "id") return null;
      return unknownPath(path, [`${root}.id`]);
    default:
      return `unknown path \`${path}\`: it must start with \`args\`, \`grant\`, \`session\`, \`tool\`, \`server\` or \`org\``;
  }
}

function checkSessionPath(
  path: string,
  segments: readonly (string | number)[],
  second: string | number | undefined,
  third: string | number | undefined,
): string | null {
  const simple = ["id", "call_count", "tool_call_count", "category_call_count"];
  if (segments.length === 2 && typeof second === "string" && simple.includes(second)) return null;
  if (second === "category_counts" && segments.length === 3) {
    if (RISK_CATEGORIES.includes(third as RiskCategory)) return null;
    return `unknown category \`${String(third)}\` in \`${path}\`: expected one of ${RISK_CATEGORIES.map((c) => `\`${c}\``).join(", ")}`;
  }
  return unknownPath(path, simple.map((name) => `session.${name}`).concat("session.category_counts.<Category>"));
}

function unknownPath(path: string, expected: readonly string[]): string {
  return `unknown path \`${path}\`: expected ${expected.map((form) => `\`${form}\``).join(", ")}`;
}

/** Builds the getter of a path that passed checkConditionPath. */
export function compileGetter(path: string): Getter {
  const segments = splitPath(path)!;
  const [root, second] = segments;
  if (root === "args") {
    const rest = segments.slice(1);
    return (call) => walk(call.args, rest);
  }
  if (root === "grant" && second === "metadata") {
    const rest = segments.slice(2);
    return (_call, context) => (context.grant === undefined ? MISSING_CONTEXT : walk(context.grant.metadata, rest));
  }
  if (root === "session") return sessionGetter(segments);
  if (root === "tool") {
    if (second === "name") return (call) => call.tool;
    return second === "category" ? (_call, context) => context.tool?.category : (_call, context) => context.tool?.level;
  }
  // grant.id, grant.label, server.id, org.id: the gateway always knows them; absence is an error.
  const key = second as string;
  const scope = root as "grant" | "server" | "org";
  return (_call, context) => {
    const value = (context[scope] as Record<string, unknown> | undefined)?.[key];
    return value === undefined ? MISSING_CONTEXT : value;
  };
}

function sessionGetter(segments: readonly (string | number)[]): Getter {
  const [, field, category] = segments;
  switch (field) {
    case "id":
      return (_call, context) => context.session?.id ?? MISSING_CONTEXT;
    case "call_count":
      return (_call, context) => context.session?.call_count ?? MISSING_CONTEXT;
    case "tool_call_count":
      return (call, context) => countIn(context.session?.tool_counts, call.tool);
    case "category_call_count":
      return (_call, context) => {
        const current = context.tool?.category;
        return current === undefined ? undefined : countIn(context.session?.category_counts, current);
      };
    default:
      return (_call, context) => countIn(context.session?.category_counts, category as string);
  }
}

/** A count from a map the gateway supplies: a missing map is an error, a missing key is zero. */
function countIn(counts: Readonly<Record<string, number | undefined>> | undefined, key: string): unknown {
  if (counts === undefined) return MISSING_CONTEXT;
  return Object.hasOwn(counts, key) ? counts[key] : 0;
}

/**
 * Follows segments through JSON members only: own properties of objects (`args.__proto__` must
 * not reach Object.prototype) and indexes of arrays (an array's `length` is not a JSON member).
 */
function walk(value: unknown, segments: readonly (string | number)[]): unknown {
  let current = value;
  for (let i = 0; i < segments.length; i++) {
    if (current === null || typeof current !== "object") return undefined;
    const key = segments[i];
    if (Array.isArray(current) && !INDEX_KEY.test(String(key))) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
