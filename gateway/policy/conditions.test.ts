import { describe, expect, it } from "vitest";
import { compileCondition, FALSE, TRUE, UNDECIDED } from "./conditions";
import type { EvaluationContext } from "./context";
import type { ConditionOp } from "./schema";

const context: EvaluationContext = {
  grant: { id: "gnt_1", label: "ci", metadata: { team: "sre", tiers: [1, 2] } },
  session: { id: "ses_1", call_count: 7 },
};

function outcome(op: ConditionOp, value: unknown, actual: unknown, hasValue = true) {
  const condition = hasValue ? { path: "args.x", op, value } : { path: "args.x", op };
  const args = actual === undefined ? {} : { x: actual };
  return compileCondition(condition).test({ tool: "t", args }, context);
}

const T = TRUE;
const F = FALSE;
const U = UNDECIDED;

describe("operators", () => {
  it.each([
    // op, value, actual, outcome
    ["eq", "prod", "prod", T],
    ["eq", "prod", "dev", F],
    ["eq", 1, "1", F],
    ["eq", null, null, T],
    ["eq", { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, T],
    ["eq", { a: 1 }, { a: 1, b: 2 }, F],
    ["eq", [1, 2], [2, 1], F],
    ["eq", "prod", undefined, F],
    ["neq", "prod", "dev", T],
    ["neq", "prod", "prod", F],
    ["neq", "prod", undefined, T],
    ["in", ["a", "b"], "a", T],
    ["in", ["a", "b"], "c", F],
    ["in", [{ k: 1 }], { k: 1 }, T],
    ["in", [], "a", F],
    ["in", ["a"], undefined, F],
    ["not_in", ["a", "b"], "c", T],
    ["not_in", ["a", "b"], "b", F],
    ["not_in", ["a"], undefined, T],
    ["lt", 10, 9, T],
    ["lt", 10, 10, F],
    ["lte", 10, 10, T],
    ["lte", 10, 11, F],
    ["gt", 10, 11, T],
    ["gt", 10, 10, F],
    ["gte", 10, 10, T],
    ["gte", 10, 9.5, F],
    ["gt", 10, "11", U],
    ["gt", 10, null, U],
    ["gt", 10, undefined, F],
    ["lt", "2025-01-01", "2024-12-31", T],
    ["lt", "2025-01-01", 5, U],
    ["regex", "^prod-", "prod-db", T],
    ["regex", "^prod-", "dev-db", F],
    ["regex", "(?i)^drop", "DROP TABLE x", T],
    ["regex", "^a", 5, U],
    ["regex", "^a", "a".repeat(8193), U],
    ["regex", "^a", "a".repeat(8192), T],
    ["regex", "^a", undefined, F],
    ["contains", "DROP", "please DROP it", T],
    ["contains", "DROP", "drop", F],
    ["contains", "admin", ["user", "admin"], T],
    ["contains", { id: 1 }, [{ id: 1 }], T],
    ["contains", "a", ["b"], F],
    ["contains", "a", 5, U],
    ["contains", 1, "1", U],
    ["contains", "a", undefined, F],
  ] as const)("%s %j against %j is %i", (op, value, actual, expected) => {
    expect(outcome(op, value, actual)).toBe(expected);
  });

  it.each([
    [undefined, "x", T],
    [undefined, null, F],
    [undefined, undefined, F],
    [true, 0, T],
    [false, undefined, T],
    [false, null, T],
    [false, "", F],
  ] as const)("exists with value %j against %j is %i", (value, actual, expected) => {
    expect(outcome("exists", value, actual, value !== undefined)).toBe(expected);
  });
});

describe("paths into the context", () => {
  const test = (path: string, op: ConditionOp, value: unknown, ctx: EvaluationContext = context) =>
    compileCondition({ path, op, value }).test({ tool: "deploy", args: { items: [{ sku: "A1" }] } }, ctx);

  it("reads nested arguments, array indexes and grant metadata", () => {
    expect(test("args.items[0].sku", "eq", "A1")).toBe(T);
    expect(test("args.items.0.sku", "eq", "A1")).toBe(T);
    expect(test("args.items[1].sku", "exists", true)).toBe(F);
    expect(test("grant.metadata.team", "eq", "sre")).toBe(T);
    expect(test("grant.metadata.tiers", "contains", 2)).toBe(T);
    expect(test("grant.label", "eq", "ci")).toBe(T);
    expect(test("tool.name", "eq", "deploy")).toBe(T);
    expect(test("session.call_count", "gte", 7)).toBe(T);
  });

  it("never reads through the prototype chain", () => {
    expect(test("args.constructor", "exists", true)).toBe(F);
    expect(test("args.items.length", "exists", true)).toBe(F);
    expect(test("grant.metadata.__proto__", "exists", true)).toBe(F);
  });

  it("cannot decide when the gateway left out a field it always supplies", () => {
    expect(test("grant.label", "eq", "ci", {})).toBe(U);
    expect(test("session.call_count", "gte", 1, { session: { id: "s" } })).toBe(U);
    expect(test("server.id", "eq", "srv", {})).toBe(U);
    expect(test("session.category_counts.Destructive", "gte", 1, { session: { id: "s" } })).toBe(U);
  });

  it("counts a key missing from a supplied count map as zero", () => {
    const ctx = { session: { id: "s", tool_counts: {}, category_counts: {} } };
    expect(test("session.tool_call_count", "eq", 0, ctx)).toBe(T);
    expect(test("session.category_counts.Write", "eq", 0, ctx)).toBe(T);
    expect(test("session.category_call_count", "exists", true, { ...ctx, tool: { category: "Write" } })).toBe(T);
    expect(test("session.tool_call_count", "eq", 4, { session: { id: "s", tool_counts: { deploy: 4 } } })).toBe(T);
  });

  it("treats tool classification as optional", () => {
    expect(test("tool.category", "eq", "Read", {})).toBe(F);
    expect(test("tool.category", "exists", false, {})).toBe(T);
  });
});

describe("phrases", () => {
  it("describes a condition that holds and a requirement that failed", () => {
    const condition = compileCondition({ path: "args.amount", op: "gt", value: 10000 });
    expect(condition.holdsText).toBe("`args.amount` is greater than `10000`");
    expect(condition.requiredText).toBe("`args.amount` must be greater than `10000`");
    expect(compileCondition({ path: "args.env", op: "not_in", value: ["prod", "staging"] }).requiredText).toBe(
      "`args.env` must not be one of `prod`, `staging`",
    );
    expect(compileCondition({ path: "args.force", op: "exists", value: false }).holdsText).toBe("`args.force` is absent");
  });

  it("explains why a condition could not be decided", () => {
    const explain = (op: ConditionOp, value: unknown, actual: unknown, ctx: EvaluationContext = context) =>
      compileCondition({ path: "args.x", op, value }).explainUndecided({ tool: "t", args: { x: actual } }, ctx);
    expect(explain("gt", 5, "6")).toBe("`args.x` is a string, expected a number to compare with `5`");
    expect(explain("regex", "^a", ["a"])).toBe("`args.x` is an array, expected a string to match against a regex");
    expect(explain("regex", "^a", "a".repeat(9000))).toBe("`args.x` is longer than 8192 characters, too long to match against a regex");
    expect(compileCondition({ path: "grant.label", op: "eq", value: "x" }).explainUndecided({ tool: "t" }, {})).toBe(
      "the gateway did not supply `grant.label`",
    );
  });
});
