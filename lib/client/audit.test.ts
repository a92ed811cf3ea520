import { describe, expect, it } from "vitest";
import {
  DEFAULT_FILTERS,
  auditApiParams,
  bucketStarts,
  callsRows,
  filtersFromParams,
  filtersToParams,
  fromLocalInput,
  hasNarrowingFilters,
  latencyRows,
  resolveRange,
  ruleHref,
  deniedRuleHref,
  seriesDecisions,
  statsApiParams,
  toLocalInput,
  toolLabel,
  totalCalls,
  withoutNarrowing,
  type AuditStats,
} from "./audit";

const NOW = Date.parse("2026-03-04T12:30:20.000Z");

describe("audit filters and the page URL", () => {
  it("round-trips through the URL, leaving defaults out", () => {
    const f = { ...DEFAULT_FILTERS, serverId: "srv_1", grantId: "gnt_2", tool: "manage_jobs", operation: "delete-job", decisions: ["deny", "hide"], range: "1h" as const };
    const sp = filtersToParams(f);
    expect(sp.toString()).toBe("server=srv_1&grant=gnt_2&tool=manage_jobs&operation=delete-job&decision=deny%2Chide&range=1h");
    expect(filtersFromParams(sp)).toEqual(f);
    expect(filtersToParams(DEFAULT_FILTERS).toString()).toBe("");
  });

  it("reads Next's searchParams objects and ignores nonsense", () => {
    expect(filtersFromParams({ range: "3y", decision: ["deny,,allow "], from: "not a date" })).toEqual({ ...DEFAULT_FILTERS, decisions: ["deny", "allow"] });
    // A custom range needs a start; without one it falls back to the default preset.
    expect(filtersFromParams({ range: "custom" }).range).toBe(DEFAULT_FILTERS.range);
    const custom = filtersFromParams({ range: "custom", from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" });
    expect(custom).toMatchObject({ range: "custom", from: "2026-03-01T00:00:00.000Z", to: "2026-03-02T00:00:00.000Z" });
    // from/to only count with range=custom.
    expect(filtersFromParams({ range: "1h", from: "2026-03-01T00:00:00Z" }).from).toBe("");
  });

  it("resolves presets as sliding windows and custom ranges as fixed ones", () => {
    expect(resolveRange({ ...DEFAULT_FILTERS, range: "15m" }, NOW)).toEqual({ from: "2026-03-04T12:15:20.000Z" });
    expect(resolveRange({ ...DEFAULT_FILTERS, range: "7d" }, NOW)).toEqual({ from: "2026-02-25T12:30:20.000Z" });
    expect(resolveRange({ ...DEFAULT_FILTERS, range: "custom", from: "2026-03-01T00:00:00.000Z", to: "" }, NOW)).toEqual({ from: "2026-03-01T00:00:00.000Z" });
  });

  it("maps onto the API's query parameters", () => {
    const f = { ...DEFAULT_FILTERS, serverId: "srv_1", tool: " echo ", decisions: ["deny", "rate_limited"], range: "1h" as const };
    const list = auditApiParams(f, NOW, { limit: 50, cursor: "", format: undefined });
    expect(Object.fromEntries(list)).toEqual({ serverId: "srv_1", tool: "echo", decision: "deny,rate_limited", from: "2026-03-04T11:30:20.000Z", limit: "50" });
    expect(auditApiParams(f, NOW, { format: "csv" }).get("format")).toBe("csv");
    // Stats take every filter of the list, over the window closed at now.
    expect(Object.fromEntries(statsApiParams(f, NOW))).toEqual({ serverId: "srv_1", tool: "echo", decision: "deny,rate_limited", from: "2026-03-04T11:30:20.000Z", to: "2026-03-04T12:30:20.000Z" });
    const fixed = { ...f, range: "custom" as const, from: "2026-03-01T00:00:00.000Z", to: "2026-03-02T00:00:00.000Z" };
    expect(statsApiParams(fixed, NOW).get("to")).toBe("2026-03-02T00:00:00.000Z");
    expect(auditApiParams({ ...f, operation: " get-job " }, NOW).get("operation")).toBe("get-job");
  });

  it("names a call as its tool, a multiplexed tool's call with its operation", () => {
    expect(toolLabel({ tool: "manage_jobs", operation: "delete-job", method: "tools/call" })).toBe("manage_jobs · delete-job");
    expect(toolLabel({ tool: "echo", operation: null, method: "tools/call" })).toBe("echo");
    expect(toolLabel({ tool: null, operation: null, method: "tools/list" })).toBe("tools/list");
  });

  it("clears every narrowing filter, the operation too, and keeps the time range", () => {
    const f = { ...DEFAULT_FILTERS, serverId: "srv_1", grantId: "gnt_2", tool: "manage_jobs", operation: "get-job", decisions: ["deny"], range: "1h" as const };
    expect(hasNarrowingFilters({ ...DEFAULT_FILTERS, operation: "get-job" })).toBe(true);
    expect(withoutNarrowing(f)).toEqual({ ...DEFAULT_FILTERS, range: "1h" });
    expect(hasNarrowingFilters(withoutNarrowing(f))).toBe(false);
  });

  it("links a rule pointer to the server's policy page", () => {
    expect(ruleHref("srv_1", "/tools/delete_file/deny_if/0")).toBe("/servers/srv_1/policy?rule=%2Ftools%2Fdelete_file%2Fdeny_if%2F0");
  });

  it("links a top denied rule to its own server's policy, and only a server policy's rules", () => {
    const top = { rule: "/tools/x/action", tool: "x", serverId: "srv_2", policyId: "pol_1", policyScope: "server" as const, count: 3 };
    expect(deniedRuleHref(top)).toBe("/servers/srv_2/policy?rule=%2Ftools%2Fx%2Faction");
    expect(deniedRuleHref({ ...top, policyScope: "grant" })).toBeUndefined();
    expect(deniedRuleHref({ ...top, rule: null, policyScope: null })).toBeUndefined();
  });

  it("keeps only decisions the API knows from the page URL", () => {
    expect(filtersFromParams({ decision: "deny,maybe,hide" }).decisions).toEqual(["deny", "hide"]);
  });

  it("converts datetime-local values both ways", () => {
    const iso = fromLocalInput("2026-03-04T09:15");
    expect(iso).toMatch(/^2026-03-0\dT\d\d:15:00\.000Z$/);
    expect(toLocalInput(iso)).toBe("2026-03-04T09:15");
    expect(fromLocalInput("")).toBe("");
    expect(toLocalInput("garbage")).toBe("");
  });
});

describe("chart rows", () => {
  const stats: AuditStats = {
    from: "2026-03-04T12:00:30.000Z",
    to: "2026-03-04T12:04:10.000Z",
    bucket: "minute",
    series: [
      { t: "2026-03-04T12:01:00.000Z", decision: "allow", count: 5 },
      { t: "2026-03-04T12:01:00.000Z", decision: "deny", count: 2 },
      { t: "2026-03-04T12:03:00.000Z", decision: "custom_effect", count: 1 },
    ],
    latency: [{ t: "2026-03-04T12:01:00.000Z", p50: 1.234, p99: 9.876 }],
    topTools: [],
    topDeniedRules: [],
  };

  it("has one bucket per minute of the window, zeros where nothing happened", () => {
    expect(bucketStarts(stats.from, stats.to, "minute").map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(["12:00", "12:01", "12:02", "12:03", "12:04"]);
    const rows = callsRows(stats);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ t: Date.parse("2026-03-04T12:00:00Z"), total: 0, allow: 0, deny: 0, custom_effect: 0 });
    expect(rows[1]).toMatchObject({ allow: 5, deny: 2, total: 7 });
    expect(rows[3]).toMatchObject({ custom_effect: 1, total: 1 });
  });

  it("orders decisions known first, unknown after", () => {
    expect(seriesDecisions(stats)).toEqual(["allow", "deny", "custom_effect"]);
  });

  it("leaves latency gaps as nulls and rounds to 0.01 ms", () => {
    const rows = latencyRows(stats);
    expect(rows).toHaveLength(5);
    expect(rows[1]).toEqual({ t: Date.parse("2026-03-04T12:01:00Z"), p50: 1.23, p99: 9.88 });
    expect(rows[2]).toMatchObject({ p50: null, p99: null });
  });

  it("counts calls and the ones not allowed", () => {
    expect(totalCalls(stats)).toEqual({ total: 8, denied: 3 });
  });

  it("uses hour buckets for long ranges and caps the count", () => {
    expect(bucketStarts("2026-02-25T12:30:00Z", "2026-03-04T12:30:00Z", "hour")).toHaveLength(169);
    expect(bucketStarts("2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "minute", 100)).toHaveLength(100);
  });
});
