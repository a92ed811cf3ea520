import { describe, expect, it } from "vitest";
import { pgJson, pgText } from "./pg-safe";

describe("values PostgreSQL accepts", () => {
  it("replaces NUL in text", () => {
    expect(pgText("a\u0000b")).toBe("a\uFFFDb");
    expect(pgText("plain")).toBe("plain");
  });

  it("replaces NUL and lone surrogates in JSON keys and values, and nothing else", () => {
    const value = { "k\u0000": ["x\u0000y", "\ud800", "ok \ud83d\ude00"], path: "C:\\u0000dir", n: 1 };
    expect(pgJson(value)).toEqual({ "k\uFFFD": ["x\uFFFDy", "\uFFFD", "ok \ud83d\ude00"], path: "C:\\u0000dir", n: 1 });
  });

  it("returns the same value when there is nothing to replace", () => {
    const value = { a: [1, "two", null] };
    expect(pgJson(value)).toBe(value);
  });
});
