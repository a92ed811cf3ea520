import { describe, expect, it } from "vitest";
import { TtlCache } from "./ttl-cache";

describe("TtlCache", () => {
  it("loads once for concurrent misses and serves hits until the TTL", async () => {
    let t = 0;
    let loads = 0;
    const c = new TtlCache<number>(1000, 10, () => t);
    const load = async () => ++loads;
    expect(await Promise.all([c.get("a", load), c.get("a", load)])).toEqual([1, 1]);
    t = 999;
    expect(await c.get("a", load)).toBe(1);
    t = 1000;
    expect(await c.get("a", load)).toBe(2);
  });
  it("does not cache failures", async () => {
    const c = new TtlCache<number>(1000);
    await expect(c.get("a", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await c.get("a", async () => 5)).toBe(5);
  });
  it("drops a value loaded across a clear()", async () => {
    const c = new TtlCache<number>(1000);
    let release!: (v: number) => void;
    const p = c.get("a", () => new Promise((r) => (release = r)));
    c.clear();
    release(1);
    expect(await p).toBe(1);
    expect(await c.get("a", async () => 2)).toBe(2);
  });
  it("stays bounded", async () => {
    const c = new TtlCache<number>(1000, 2);
    for (const k of ["a", "b", "c"]) await c.get(k, async () => 1);
    expect(c.size).toBe(2);
  });
});
