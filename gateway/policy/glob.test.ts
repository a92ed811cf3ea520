import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkToolKey, compareSpecificity, compileGlob } from "./glob";
import { PatternIndex } from "./pattern-index";

/** The obvious (and slow) definition of a glob, to compare the fast matcher with. */
function referenceMatch(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".");
  return new RegExp(`^${source}$`, "s").test(name);
}

const patternArb = fc
  .array(fc.constantFrom("a", "b", "_", "*", "?"), { maxLength: 8 })
  .map((chars) => chars.join("").replace(/\*+/g, "*"))
  .filter((pattern) => pattern.length > 0);
const nameArb = fc.array(fc.constantFrom("a", "b", "_"), { maxLength: 10 }).map((chars) => chars.join(""));

describe("compileGlob", () => {
  it.each([
    ["s3_*", "s3_get", true],
    ["s3_*", "s3_", true],
    ["s3_*", "s4_get", false],
    ["*_admin", "user_admin", true],
    ["*_admin", "user_admin_x", false],
    ["get_?", "get_a", true],
    ["get_?", "get_ab", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "axxbyyc", true],
    ["a*b*c", "acb", false],
    ["*", "", true],
    ["exact", "exact", true],
    ["exact", "exactly", false],
    ["ns/*", "ns/tool", true],
  ])("%s against %s is %s", (pattern, name, expected) => {
    expect(compileGlob(pattern).test(name)).toBe(expected);
  });

  it("agrees with a regex translation on any pattern and name", () => {
    fc.assert(
      fc.property(patternArb, nameArb, (pattern, name) => {
        expect(compileGlob(pattern).test(name)).toBe(referenceMatch(pattern, name));
      }),
      { numRuns: 3000 },
    );
  });

  it("matches long adversarial names quickly", () => {
    const glob = compileGlob("*a*a*a*a*a*b");
    const started = performance.now();
    expect(glob.test("a".repeat(100_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("checkToolKey", () => {
  it.each(["read_file", "github.create_issue", "fs/read-file", "s3_*", "get_?", "*"])("accepts %s", (key) => {
    expect(checkToolKey(key)).toBeNull();
  });

  it.each([
    ["", "tool name must not be empty"],
    ["a b", "`a b` contains whitespace or a control character"],
    ["a\tb", "`a\tb` contains whitespace or a control character"],
    ["s3_[ab]", "invalid pattern `s3_[ab]`: only `*` and `?` are wildcards, classes, braces and escapes are not supported"],
    ["{a,b}", "invalid pattern `{a,b}`: only `*` and `?` are wildcards, classes, braces and escapes are not supported"],
    ["a\\*", "invalid pattern `a\\*`: only `*` and `?` are wildcards, classes, braces and escapes are not supported"],
    ["a**", "invalid pattern `a**`: use a single `*` instead of `**`"],
    ["x".repeat(257), "tool name is longer than 256 characters"],
    ["__proto__", "`__proto__` is not allowed as a tool name"],
  ])("rejects %j", (key, message) => {
    expect(checkToolKey(key)).toBe(message);
  });
});

describe("specificity", () => {
  it("sorts by literal prefix, literal characters, wildcards, then code units", () => {
    const sorted = ["*", "a*", "ab*", "*bcd", "a*d", "a?d", "a*b*", "a*b"].map(compileGlob).sort(compareSpecificity);
    expect(sorted.map((glob) => glob.pattern)).toEqual(["ab*", "a*b", "a*d", "a?d", "a*b*", "a*", "*bcd", "*"]);
  });
});

describe("PatternIndex", () => {
  it("finds the same pattern as trying every pattern in specificity order", () => {
    fc.assert(
      fc.property(fc.uniqueArray(patternArb, { maxLength: 12 }), nameArb, (patterns, name) => {
        const globs = patterns.map(compileGlob);
        const expected = [...globs].sort(compareSpecificity).find((glob) => glob.test(name))?.pattern;
        const index = new PatternIndex(globs.map((glob) => ({ glob, value: glob.pattern })));
        expect(index.find(name)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("copes with a literal prefix longer than the name and an empty index", () => {
    const index = new PatternIndex([{ glob: compileGlob("abcdef*"), value: 1 }]);
    expect(index.find("abc")).toBeUndefined();
    expect(new PatternIndex([]).find("x")).toBeUndefined();
  });
});
