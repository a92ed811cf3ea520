import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EvaluationContext } from "./context";
import { evaluate, filterToolList, isHidden } from "./evaluate";
import { compareSpecificity, compileGlob, isGlobPattern } from "./glob";
import type { RiskCategory } from "./schema";
import { compile, CONTEXT } from "./testdata/policies";

/**
 * Property tests of the two guarantees the gateway leans on: any deny wins over any allow, and
 * a hidden tool never reappears. Names and patterns come from a tiny alphabet so that patterns
 * often match and overlap.
 */

const nameArb = fc.array(fc.constantFrom("a", "b", "_"), { minLength: 1, maxLength: 4 }).map((chars) => chars.join(""));
const keyArb = fc
  .array(fc.constantFrom("a", "b", "_", "*", "?"), { minLength: 1, maxLength: 4 })
  .map((chars) => chars.join("").replace(/\*+/g, "*"));

type ToolKind = "allow" | "approval" | "deny" | "deny_if_flag" | "require_no_flag";
type CategoryKind = "constrain" | "allow" | "approval" | "deny";

const FLAG = { path: "args.flag", op: "eq", value: true };
const TOOL_RULES: Record<ToolKind, object> = {
  allow: {},
  approval: { action: "require_approval" },
  deny: { action: "deny" },
  deny_if_flag: { deny_if: [FLAG] },
  require_no_flag: { require: [{ path: "args.flag", op: "neq", value: true }] },
};
const CATEGORY_RULES: Record<CategoryKind, object> = {
  constrain: { deny_if: [FLAG] },
  allow: { action: "allow" },
  approval: { action: "require_approval" },
  deny: { action: "deny" },
};

const scenarioArb = fc.record({
  defaultEffect: fc.constantFrom("allow", "deny"),
  tools: fc.dictionary(keyArb, fc.constantFrom<ToolKind>("allow", "approval", "deny", "deny_if_flag", "require_no_flag"), { maxKeys: 6 }),
  categories: fc.dictionary(fc.constantFrom<RiskCategory>("Read", "Destructive"), fc.constantFrom<CategoryKind>("constrain", "allow", "approval", "deny")),
  allToolsDeniesFlag: fc.boolean(),
  name: nameArb,
  flag: fc.boolean(),
  category: fc.option(fc.constantFrom<RiskCategory>("Read", "Destructive", "Write"), { nil: undefined }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function documentOf(scenario: Scenario): Record<string, unknown> {
  return {
    version: "1",
    default: scenario.defaultEffect,
    tools: Object.fromEntries(Object.entries(scenario.tools).map(([key, kind]) => [key, structuredClone(TOOL_RULES[kind])])),
    categories: Object.fromEntries(Object.entries(scenario.categories).map(([key, kind]) => [key, structuredClone(CATEGORY_RULES[kind])])),
    ...(scenario.allToolsDeniesFlag ? { all_tools: { deny_if: [FLAG] } } : {}),
  };
}

function contextOf(scenario: Scenario): EvaluationContext {
  return scenario.category === undefined ? CONTEXT : { ...CONTEXT, tool: { category: scenario.category } };
}

/** The documented precedence, written as plainly as possible. */
function expectedEffect(scenario: Scenario): string {
  const { tools, name, flag } = scenario;
  const patterns = Object.keys(tools).filter(isGlobPattern).map(compileGlob).sort(compareSpecificity);
  const key = Object.hasOwn(tools, name) && !isGlobPattern(name) ? name : patterns.find((glob) => glob.test(name))?.pattern;
  const tool = key === undefined ? undefined : tools[key];
  const category = scenario.category === undefined ? undefined : scenario.categories[scenario.category];
  const toolDenies = tool === "deny" || (flag && (tool === "deny_if_flag" || tool === "require_no_flag"));
  const categoryDenies = category === "deny" || (flag && category === "constrain");
  if (toolDenies || categoryDenies || (flag && scenario.allToolsDeniesFlag)) return "deny";
  if (tool === "approval" || category === "approval") return "require_approval";
  if (tool !== undefined || category === "allow") return "allow";
  return scenario.defaultEffect;
}

describe("precedence, as a property", () => {
  it("agrees with the documented precedence on random policies", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const decision = evaluate(compile(documentOf(scenario)), { tool: scenario.name, args: { flag: scenario.flag } }, contextOf(scenario));
        expect(decision.effect).toBe(expectedEffect(scenario));
      }),
      { numRuns: 1500 },
    );
  });

  it("denies whenever any applicable rule denies, whatever else allows", () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom("tool", "category", "all_tools"), (scenario, layer) => {
        const document = documentOf(scenario);
        const always = { path: "tool.name", op: "eq", value: scenario.name };
        const context = contextOf(scenario);
        if (layer === "tool") {
          // Add the deny to every key that matches, so the selected rule is sure to carry it.
          const tools = { ...(document.tools as Record<string, object>), [scenario.name]: {} };
          for (const key of Object.keys(tools)) if (compileGlob(key).test(scenario.name)) tools[key] = { ...tools[key], deny_if: [always] };
          document.tools = tools;
        } else if (layer === "category") {
          const category = scenario.category ?? "Read";
          document.categories = { ...(document.categories as object), [category]: { action: "allow", deny_if: [always] } };
          const decision = evaluate(compile(document), { tool: scenario.name, args: { flag: scenario.flag } }, { ...CONTEXT, tool: { category } });
          expect(decision.effect).toBe("deny");
          return;
        } else {
          document.all_tools = { deny_if: [always] };
        }
        const decision = evaluate(compile(document), { tool: scenario.name, args: { flag: scenario.flag } }, context);
        expect(decision.effect).toBe("deny");
        expect(decision.limits).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("hiding, as a property", () => {
  /** Reference: a hide entry matches by plain regex translation of the glob. */
  const hiddenByReference = (hide: readonly string[], name: string) =>
    hide.some((entry) => new RegExp(`^${entry.replaceAll("*", ".*").replaceAll("?", ".")}$`).test(name));

  it("never lets a hidden tool back into tools/list, and removes nothing else", () => {
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 5 }), fc.uniqueArray(nameArb, { maxLength: 12 }), (hide, names) => {
        const policy = compile({ version: "1", default: "allow", hide, tools: Object.fromEntries(names.map((name) => [name, {}])) });
        const listed = filterToolList(policy, names.map((name) => ({ name, description: `tool ${name}` })));
        for (const tool of listed) expect(hiddenByReference(hide, tool.name)).toBe(false);
        expect(listed.map((tool) => tool.name)).toEqual(names.filter((name) => !hiddenByReference(hide, name)));
      }),
      { numRuns: 1500 },
    );
  });

  it("refuses every call to a hidden tool, even one a rule allows", () => {
    fc.assert(
      fc.property(fc.array(keyArb, { minLength: 1, maxLength: 5 }), nameArb, (hide, name) => {
        fc.pre(hiddenByReference(hide, name));
        const policy = compile({ version: "1", default: "allow", hide, tools: { [name]: { action: "allow" }, "*": {} } });
        expect(isHidden(policy, name)).toBe(true);
        expect(evaluate(policy, { tool: name, args: {} }, CONTEXT).effect).toBe("hide");
      }),
      { numRuns: 1000 },
    );
  });
});
