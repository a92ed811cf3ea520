import { describe, expect, it } from "vitest";
import { pgJsonText } from "./pg-safe";

const safe = (value: unknown) => JSON.parse(pgJsonText(JSON.stringify(value)));

describe("JSON text PostgreSQL's jsonb accepts", () => {
  it("replaces NUL and lone surrogates in keys and values, and nothing else", () => {
    const value = { "k\u0000": ["x\u0000y", "\ud800", "\udc00", "ok \ud83d\ude00"], path: "C:\\u0000dir", n: 1 };
    expect(safe(value)).toEqual({ "k\uFFFD": ["x\uFFFDy", "\uFFFD", "\uFFFD", "ok \ud83d\ude00"], path: "C:\\u0000dir", n: 1 });
  });

  it("returns the same text when there is nothing to replace", () => {
    const json = JSON.stringify({ a: [1, "two", null, "\\\\u0000"] });
    expect(pgJsonText(json)).toBe(json);
  });
});
