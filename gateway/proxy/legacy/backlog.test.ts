import { describe, expect, it } from "vitest";
import { Backlog } from "./backlog";

describe("Backlog", () => {
  it("keeps messages in order until drained", () => {
    const b = new Backlog();
    ["a", "b", "c"].forEach((m) => b.push(m));
    expect(b.drain()).toEqual(["a", "b", "c"]);
    expect(b.size).toBe(0);
  });

  it("drops the oldest beyond its bounds, by count and by size", () => {
    const byCount = new Backlog(2, 1_000);
    ["a", "b", "c"].forEach((m) => byCount.push(m));
    expect(byCount.dropped).toBe(1);
    expect(byCount.drain()).toEqual(["b", "c"]);
    const bySize = new Backlog(100, 10);
    ["12345", "67890", "x"].forEach((m) => bySize.push(m));
    expect(bySize.drain()).toEqual(["67890", "x"]);
    const huge = new Backlog(100, 10);
    huge.push("x".repeat(11));
    expect(huge.size).toBe(0);
  });
});
