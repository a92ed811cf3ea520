import { describe, expect, it } from "vitest";
import { formatCount, formatMs, formatRelative } from "./format";

describe("formatters", () => {
  const now = Date.parse("2026-03-04T12:00:00Z");
  it("says how long ago", () => {
    expect(formatRelative(null, now)).toBe("never");
    expect(formatRelative("2026-03-04T11:59:58Z", now)).toBe("just now");
    expect(formatRelative("2026-03-04T11:59:18Z", now)).toBe("42 s ago");
    expect(formatRelative("2026-03-04T11:55:00Z", now)).toBe("5 min ago");
    expect(formatRelative("2026-03-04T09:00:00Z", now)).toBe("3 h ago");
    expect(formatRelative("2026-02-20T12:00:00Z", now)).toBe("12 d ago");
    expect(formatRelative("2025-01-01T12:00:00Z", now)).toMatch(/^2025-01-0\d$/);
  });
  it("formats latencies and counts", () => {
    expect(formatMs(null)).toBe("—");
    expect(formatMs(0.4213)).toBe("0.42 ms");
    expect(formatMs(12.345)).toBe("12.3 ms");
    expect(formatMs(1204.4)).toBe("1,204 ms");
    expect(formatCount(10000)).toBe("10,000");
  });
});
