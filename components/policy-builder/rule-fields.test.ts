import { describe, expect, it } from "vitest";
import { validatePolicy } from "@/gateway/policy";
import { argInfos, formatValue, parseValue } from "./rule-fields";
import { readOnlyPolicy } from "./templates";

describe("condition values by the argument's type", () => {
  it("parses numbers, booleans and lists for number, boolean and string arguments", () => {
    expect(parseValue("10000", "number", "gt")).toBe(10000);
    expect(parseValue("1e3", "integer", "eq")).toBe(1000);
    expect(parseValue("ten", "number", "gt")).toBe("ten");
    expect(parseValue("true", "boolean", "eq")).toBe(true);
    expect(parseValue("42", "string", "eq")).toBe("42");
    expect(parseValue("usd, eur", "string", "in")).toEqual(["usd", "eur"]);
    expect(parseValue("1, 2,3", "integer", "not_in")).toEqual([1, 2, 3]);
    expect(parseValue('{"a":1}', "any", "eq")).toEqual({ a: 1 });
    expect(parseValue("plain", "any", "eq")).toBe("plain");
  });

  it("formats them back as typed", () => {
    expect(formatValue(["usd", "eur"], "in")).toBe("usd, eur");
    expect(formatValue(10000, "gt")).toBe("10000");
    expect(formatValue("^/srv/", "regex")).toBe("^/srv/");
    expect(formatValue(undefined, "exists")).toBe("");
  });

  it("suggests paths from the input schema's addressable properties", () => {
    expect(argInfos({ type: "object", properties: { amount: { type: "number" }, "a.b": { type: "string" }, to: {} } })).toEqual([
      { path: "args.amount", type: "number" },
      { path: "args.to", type: "any" },
    ]);
    expect(argInfos(undefined)).toEqual([]);
  });
});

describe("the read-only template", () => {
  it("allows the Read tools and denies the rest, and validates", () => {
    const doc = readOnlyPolicy([
      { name: "get_user", risk: { category: "Read", level: "low", reasons: [] } },
      { name: "delete_user", risk: { category: "Destructive", level: "critical", reasons: [] } },
    ]);
    expect(doc.tools).toEqual({ get_user: {} });
    expect(doc.default).toBe("deny");
    expect(validatePolicy(doc).ok).toBe(true);
  });
});
