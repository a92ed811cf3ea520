import { describe, expect, it } from "vitest";
import { SessionHistory } from "./session-history";

describe("SessionHistory", () => {
  it("counts calls per session, tool and category", () => {
    const h = new SessionHistory();
    h.record("s1", "delete_file", "Destructive");
    h.record("s1", "delete_file", "Destructive");
    h.record("s1", "read_file", "Read");
    h.record("s2", "read_file");
    expect(h.get("s1", "delete_file")).toEqual({ call_count: 3, tool_counts: { delete_file: 2 }, category_counts: { Destructive: 2, Read: 1 } });
    expect(h.get("s1", "read_file")?.tool_counts).toEqual({ read_file: 1 });
    expect(h.get("s1", "write_file")?.tool_counts).toEqual({ write_file: 0 });
    expect(h.get("s2", "read_file")?.call_count).toBe(1);
    expect(h.get("s3", "read_file")).toBeUndefined();
  });

  it("counts names longer than any real tool's by digest, without keeping them", () => {
    const h = new SessionHistory();
    const long = (c: string) => c.repeat(1024 * 1024);
    h.record("s1", long("a"));
    h.record("s1", long("a"));
    h.record("s1", long("b"));
    expect(h.get("s1", long("a"))?.tool_counts[long("a")]).toBe(2);
    expect(h.get("s1", long("b"))?.tool_counts[long("b")]).toBe(1);
    expect(h.get("s1", long("c"))?.tool_counts[long("c")]).toBe(0);
    // What stays in memory per name is its digest key, not the megabyte.
    const stored = (h as unknown as { sessions: Map<string, { tools: Map<string, number> }> }).sessions.get("s1")!;
    expect([...stored.tools.keys()].every((k) => k.length < 64)).toBe(true);
  });

  it("a name that looks like a digest key is not confused with one", () => {
    const h = new SessionHistory();
    h.record("s1", "x".repeat(200));
    expect(h.get("s1", "sha256:whatever")?.tool_counts["sha256:whatever"]).toBe(0);
  });

  it("stays bounded, dropping the least recently used session", () => {
    const h = new SessionHistory(2);
    h.record("a", "t");
    h.record("b", "t");
    h.get("a", "t");
    h.record("c", "t");
    expect(h.size).toBe(2);
    expect(h.get("b", "t")).toBeUndefined();
    expect(h.get("a", "t")).toBeDefined();
  });
});
