import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, formatPolicy, unifiedDiff } from "./diff";

describe("diffLines", () => {
  it("turns the old lines into the new ones, keeping as many as possible", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 30 }), fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 30 }), (a, b) => {
        const ops = diffLines(a, b);
        expect(ops.filter((op) => op.kind !== "add").map((op) => op.line)).toEqual(a);
        expect(ops.filter((op) => op.kind !== "del").map((op) => op.line)).toEqual(b);
        // Myers finds a shortest edit script: no longer than the LCS bound.
        const lcs = lcsLength(a, b);
        expect(ops.filter((op) => op.kind !== "same").length).toBe(a.length + b.length - 2 * lcs);
      }),
    );
  });
});

function lcsLength(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  return t[a.length][b.length];
}

describe("unifiedDiff", () => {
  it("prints hunks with context and line ranges", () => {
    const old = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].join("\n") + "\n";
    const now = ["1", "2", "3", "4", "five", "6", "7", "8", "9", "10", "11"].join("\n") + "\n";
    expect(unifiedDiff(old, now, { old: "a", new: "b" })).toEqual([
      "--- a",
      "+++ b",
      "@@ -2,9 +2,10 @@",
      " 2",
      " 3",
      " 4",
      "-5",
      "+five",
      " 6",
      " 7",
      " 8",
      " 9",
      " 10",
      "+11",
    ]);
    expect(unifiedDiff(old, old, { old: "a", new: "b" })).toEqual([]);
    expect(unifiedDiff("", "x\n", { old: "a", new: "b" })).toEqual(["--- a", "+++ b", "@@ -0,0 +1,1 @@", "+x"]);
  });
});

describe("formatPolicy", () => {
  it("orders fields like the language and ignores the order they came in", () => {
    const a = formatPolicy({ tools: { b: {}, a: { limits: [{ max: 1, window: "minute", counter: "c" }], action: "allow" } }, default: "deny", version: "1" });
    const b = formatPolicy({ version: "1", default: "deny", tools: { a: { action: "allow", limits: [{ counter: "c", window: "minute", max: 1 }] }, b: {} } });
    expect(a).toBe(b);
    expect(a.split("\n").slice(0, 4)).toEqual(["{", '  "version": "1",', '  "default": "deny",', '  "tools": {']);
  });
});
