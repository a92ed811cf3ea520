import { describe, expect, it } from "vitest";
import { REGEX_INPUT_MAX_CHARS } from "./regex-safety";
import { compileSafeRegex, safeRegExpEngine } from "./safe-regex";

describe("compileSafeRegex", () => {
  it.each([
    "^prod-",
    "DROP.*TABLE",
    "(?i)\\b(drop|truncate)\\s+table\\b",
    "^\\d{3}-\\d{4}$",
    "^[a-z0-9-]+(\\.[a-z0-9-]+)*$",
    "^(?:https?|ftp)://[^\\s/$.?#].[^\\s]*$",
    "\\s*,\\s*",
    "^/tmp/[^/]+$",
    "(foo|bar)+",
    "^(\\.\\./)*",
    "\\w+@\\w+\\.com",
    "[\\s\\S]*",
    "(?=.*x)^\\w+$",
    "^\\p{L}+$",
    "a{2,5}",
    "(,\\s*\\w+)*",
  ])("accepts %s", (pattern) => {
    const result = compileSafeRegex(pattern);
    expect(result.ok ? null : result.message).toBeNull();
  });

  it.each([
    ["(a+)+$", "nested quantifiers in `(a+)+`"],
    ["([a-z]+)*", "nested quantifiers"],
    ["(a*)*b", "nested quantifiers"],
    ["^(\\w+\\s?)*$", "nested quantifiers"],
    ["(a|a)*", "alternatives inside a repeated group can match the same text"],
    ["(a|ab)*c", "alternatives inside a repeated group"],
    ["(x(a|a))*", "alternatives inside a repeated group"],
    ["(|a)+", "alternatives inside a repeated group"],
    ["\\d+\\d+", "`\\d+` and `\\d+` can match the same characters"],
    [".*a.*b", "`.*` and `.*` can match the same characters"],
    ["^(.*)(foo)(.*)$", "can match the same characters"],
    ["\\w*\\s*\\w*$", "can match the same characters"],
    ["(a)\\1", "backreferences are not allowed"],
    ["(?<x>a)\\k<x>", "backreferences are not allowed"],
    ["a{1,5000}", "repetition count in `a{1,5000}` is above 1000"],
    ["x".repeat(1025), "pattern is longer than 1024 characters"],
  ])("rejects %s", (pattern, reason) => {
    const result = compileSafeRegex(pattern);
    expect(result.ok ? null : result.message).toContain(reason);
  });

  it("reports syntax errors in the house style", () => {
    expect(compileSafeRegex("([a-z]")).toEqual({ ok: false, message: "invalid regex `([a-z]`: unterminated group" });
  });

  it("turns leading inline flags into JavaScript flags", () => {
    const result = compileSafeRegex("(?is)^a.b$");
    expect(result.ok && result.regex.flags).toBe("is");
    expect(result.ok && result.regex.test("A\nB")).toBe(true);
  });

  it("matches what it accepts in bounded time at the longest input", () => {
    // The worst accepted shape: one unbounded quantifier under an unanchored search, quadratic.
    const result = compileSafeRegex("a+b");
    const started = performance.now();
    if (result.ok) result.regex.test("a".repeat(REGEX_INPUT_MAX_CHARS));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("safeRegExpEngine (ajv)", () => {
  it("throws on unsafe patterns and fails inputs over the limit", () => {
    expect(() => safeRegExpEngine("(a+)+", "u")).toThrow(/unsafe regex/);
    const engine = safeRegExpEngine("^a", "u");
    expect(engine.test("abc")).toBe(true);
    expect(engine.test("a".repeat(REGEX_INPUT_MAX_CHARS + 1))).toBe(false);
  });
});
