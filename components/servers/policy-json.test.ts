import { describe, expect, it } from "vitest";
import { locateErrors, parsePolicyText, prettyPolicy } from "./policy-json";
import { lineDiff } from "./line-diff";
import { describeRule, laneOfRule } from "./risk";
import { schemaProperties } from "./schema-view";

describe("prettyPolicy", () => {
  it("orders fields as the docs do and tools by name, whatever order the store kept", () => {
    const stored = { tools: { zeta: {}, alpha: { limits: [{ max: 5, scope: "grant", window: "minute", counter: "c" }], action: "deny" } }, default: "deny", version: "1" };
    const text = prettyPolicy(stored);
    expect(Object.keys(JSON.parse(text))).toEqual(["version", "default", "tools"]);
    expect(Object.keys(JSON.parse(text).tools)).toEqual(["alpha", "zeta"]);
    expect(Object.keys(JSON.parse(text).tools.alpha)).toEqual(["action", "limits"]);
    expect(Object.keys(JSON.parse(text).tools.alpha.limits[0])).toEqual(["counter", "window", "max", "scope"]);
    expect(JSON.parse(text)).toEqual(stored);
  });

  it("orders a multiplexed tool's operations by name, each rule like a tool's (jsonb puts shorter keys first)", () => {
    const stored = { version: "1", default: "deny", tools: { glue: { operations: { "stop-*": { action: "deny" }, "delete-*": { approval: { mode: "retry" }, action: "require_approval" } }, operation_argument: "op", action: "deny" } } };
    const glue = JSON.parse(prettyPolicy(stored)).tools.glue;
    expect(Object.keys(glue)).toEqual(["action", "operation_argument", "operations"]);
    expect(Object.keys(glue.operations)).toEqual(["delete-*", "stop-*"]);
    expect(Object.keys(glue.operations["delete-*"])).toEqual(["action", "approval"]);
    // The approval options as the builder writes them (jsonb would put `mode` first).
    expect(Object.keys(JSON.parse(prettyPolicy({ tools: { t: { approval: { mode: "retry", timeout_seconds: 60 } } } })).tools.t.approval)).toEqual(["timeout_seconds", "mode"]);
    expect(JSON.parse(prettyPolicy(stored))).toEqual(stored);
  });
});

describe("parsePolicyText", () => {
  it("reports a syntax error with its line and column", () => {
    const r = parsePolicyText('{\n  "version": "1",\n  "default": deny\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ path: "", line: 3 });
  });

  it("reports a repeated key, which JSON.parse would hide", () => {
    const r = parsePolicyText('{ "version": "1", "default": "deny", "tools": { "a": {}, "a": { "action": "deny" } } }');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toContain("duplicate key `a`");
  });

  it("returns the document when the text is valid JSON", () => {
    expect(parsePolicyText('{"version":"1"}')).toEqual({ ok: true, document: { version: "1" } });
  });
});

describe("locateErrors", () => {
  it("places API errors at their field, or at the nearest existing parent for a missing one", () => {
    const text = '{\n  "version": "1",\n  "default": "maybe",\n  "tools": {\n    "x": { "limits": [ {} ] }\n  }\n}';
    const errors = locateErrors(text, [
      { path: "/tools/x/limits/0/max", message: "missing required field `max`" },
      { path: "/default", message: "expected one of `allow`, `deny`" },
    ]);
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ["/default", 3],
      ["/tools/x/limits/0/max", 5],
    ]);
  });
});

describe("lineDiff", () => {
  it("keeps common lines and marks removed and added ones", () => {
    expect(lineDiff("a\nb\nc", "a\nc\nd")).toEqual([
      { op: "same", text: "a" },
      { op: "del", text: "b" },
      { op: "same", text: "c" },
      { op: "add", text: "d" },
    ]);
  });
});

describe("rules in words", () => {
  it("names the lane and says what the rule does", () => {
    expect(laneOfRule({})).toBe("allow");
    expect(laneOfRule({ limits: [{ counter: "c", window: "minute", max: 30, scope: "grant" }] })).toBe("rate_limit");
    expect(laneOfRule({ action: "require_approval" })).toBe("require_approval");
    expect(laneOfRule({ action: "deny" })).toBe("deny");
    expect(describeRule({ validate_input: true, limits: [{ counter: "c", window: "minute", max: 10, scope: "grant" }] })).toBe(
      "At most 10 calls a minute per grant; arguments checked against the tool's input schema",
    );
    expect(describeRule({})).toBe("Allowed, no conditions");
  });
});

describe("schemaProperties", () => {
  it("lists each argument with its type, whether it is required, and its default", () => {
    const props = schemaProperties({
      type: "object",
      required: ["path"],
      properties: { path: { type: "string", description: "Where" }, mode: { enum: ["r", "w"], default: "r" }, tags: { type: "array", items: { type: "string" } } },
    });
    expect(props).toEqual([
      { name: "path", type: "string", required: true, description: "Where" },
      { name: "mode", type: 'enum: "r" | "w"', required: false, description: "", default: '"r"' },
      { name: "tags", type: "array of string", required: false, description: "" },
    ]);
  });
});
