import { describe, expect, it } from "vitest";
import { argsDigest, ruleDigest } from "./binding";
import { canonicalJson } from "../canonical-json";

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps arrays in order", () => {
    expect(canonicalJson({ b: 2, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":2}');
  });
  it("drops what JSON drops, and writes what JSON writes", () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: "x\u2028" })).toBe(JSON.stringify({ c: "x\u2028" }));
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
    expect(canonicalJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });
});

describe("argsDigest", () => {
  it("is the same for the same arguments in any key order, and differs for any other value", () => {
    expect(argsDigest({ amount: 5000, to: "acct_1" })).toBe(argsDigest({ to: "acct_1", amount: 5000 }));
    expect(argsDigest({ amount: 5000, to: "acct_1" })).not.toBe(argsDigest({ amount: 5001, to: "acct_1" }));
    expect(argsDigest({ amount: 1 })).not.toBe(argsDigest({ amount: "1" }));
    expect(argsDigest(undefined)).toBe(argsDigest({}));
  });
});

describe("ruleDigest", () => {
  const doc = { version: "1", default: "deny", tools: { refund: { action: "require_approval", approval: { timeout_seconds: 600 } }, "a/b": { action: "require_approval" } }, categories: { financial: { action: "require_approval" } } };
  it("follows the decision's pointer to its rule, whatever else the document holds", () => {
    const d = ruleDigest(doc, "/tools/refund/action");
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(ruleDigest({ ...doc, default: "allow", tools: { ...doc.tools, other: {} } }, "/tools/refund/action")).toBe(d);
    expect(ruleDigest({ ...doc, tools: { refund: { action: "require_approval", approval: { timeout_seconds: 60 } } } }, "/tools/refund/action")).not.toBe(d);
    expect(ruleDigest(doc, "/tools/a~1b/action")).toMatch(/^[0-9a-f]{64}$/);
    expect(ruleDigest(doc, "/categories/financial/action")).not.toBe(ruleDigest(doc, "/tools/a~1b/action"));
  });
  it("is empty when there is no rule to follow", () => {
    expect(ruleDigest(doc, null)).toBe("");
    expect(ruleDigest(doc, "/tools/missing/action")).toBe("");
  });
});
