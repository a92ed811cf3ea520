import { describe, expect, it } from "vitest";
import { SessionHistory } from "./session-history";

describe("SessionHistory", () => {
  it("counts calls per session, tool and category", () => {
    const h = new SessionHistory();
    h.record("s1", "delete_file", "Destructive");
    h.record("s1", "delete_file", "Destructive");
    h.record("s1", "read_file", "Read");
    h.record("s2", "read_file");
    expect(h.get("s1")).toEqual({ call_count: 3, tool_counts: { delete_file: 2, read_file: 1 }, category_counts: { Destructive: 2, Read: 1 } });
    expect(h.get("s2")?.call_count).toBe(1);
    expect(h.get("s3")).toBeUndefined();
  });

  it("stays bounded, dropping the least recently used session", () => {
    const h = new SessionHistory(2);
    h.record("a", "t");
    h.record("b", "t");
    h.get("a");
    h.record("c", "t");
    expect(h.size).toBe(2);
    expect(h.get("b")).toBeUndefined();
    expect(h.get("a")).toBeDefined();
  });
});
