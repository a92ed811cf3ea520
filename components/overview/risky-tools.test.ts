import { describe, expect, it } from "vitest";
import { riskiestWithoutRule } from "./risky-tools";

const tools = [
  { name: "drop_table", riskLevel: "critical", riskCategory: "Destructive" },
  { name: "run_query", riskLevel: "high", riskCategory: "Execute" },
  { name: "delete_row", riskLevel: "high", riskCategory: "Destructive" },
  { name: "list_tables", riskLevel: "low", riskCategory: "Read" },
  { name: "charge", riskLevel: "critical", riskCategory: "Financial" },
];

describe("riskiestWithoutRule", () => {
  it("lists every critical and high tool, most severe first, when no policy is published", () => {
    const r = riskiestWithoutRule(tools, null);
    expect(r.map((t) => t.name)).toEqual(["charge", "drop_table", "delete_row", "run_query"]);
    expect(r.every((t) => t.fate === "no_policy")).toBe(true);
  });

  it("leaves out tools named exactly, by a pattern, or covered by a category rule", () => {
    const doc = { version: "1", default: "deny", tools: { drop_table: { action: "deny" }, "delete_*": {} }, categories: { Financial: { action: "require_approval" } } };
    const r = riskiestWithoutRule(tools, doc);
    expect(r.map((t) => t.name)).toEqual(["run_query"]);
    expect(r[0].fate).toBe("denied_by_default");
  });

  it("says when the default lets them through", () => {
    const r = riskiestWithoutRule(tools, { version: "1", default: "allow", tools: {} });
    expect(r).toHaveLength(4);
    expect(r[0].fate).toBe("allowed_by_default");
  });
});
