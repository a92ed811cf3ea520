// The audit page's filters and how they map onto /api/v1/audit and /api/v1/audit/stats, the
// page URL (so a filtered view can be shared), and the chart rows built from the stats. Pure:
// no React, no fetch, so it is unit-tested beside this file.

export const DECISIONS = ["allow", "deny", "hide", "require_approval", "rate_limited"] as const;
export type KnownDecision = (typeof DECISIONS)[number];

export const DECISION_LABELS: Record<string, string> = {
  allow: "Allowed",
  deny: "Denied",
  hide: "Hidden",
  require_approval: "Needs approval",
  rate_limited: "Rate limited",
};

/** Chart colours per decision (Tailwind palette values, so charts match the badges). */
export const DECISION_COLORS: Record<string, string> = {
  allow: "#10b981",
  deny: "#ef4444",
  hide: "#71717a",
  require_approval: "#f59e0b",
  rate_limited: "#6366f1",
};

export const RANGE_PRESETS = [
  { id: "15m", label: "15 min", ms: 15 * 60_000 },
  { id: "1h", label: "1 h", ms: 3600_000 },
  { id: "24h", label: "24 h", ms: 86_400_000 },
  { id: "7d", label: "7 d", ms: 7 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGE_PRESETS)[number]["id"] | "custom";

export interface AuditFilters {
  serverId: string;
  grantId: string;
  tool: string;
  /** A multiplexed tool's operation (exact name). */
  operation: string;
  decisions: string[];
  range: RangeId;
  /** ISO date-times, used when range is "custom"; `to` may be empty (until now). */
  from: string;
  to: string;
}

export const DEFAULT_FILTERS: AuditFilters = { serverId: "", grantId: "", tool: "", operation: "", decisions: [], range: "24h", from: "", to: "" };

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function param(sp: ParamSource, name: string): string {
  if (sp instanceof URLSearchParams) return sp.get(name) ?? "";
  const v = sp[name];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

function validIso(s: string): string {
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : "";
}

/** Filters from the page URL (?server&grant&tool&operation&decision=deny,hide&range=1h|custom&from&to). */
export function filtersFromParams(sp: ParamSource): AuditFilters {
  const range = param(sp, "range");
  const known = RANGE_PRESETS.some((r) => r.id === range) || range === "custom";
  const f: AuditFilters = {
    serverId: param(sp, "server"),
    grantId: param(sp, "grant"),
    tool: param(sp, "tool"),
    operation: param(sp, "operation"),
    // Only decisions the API knows: it answers 400 to any other.
    decisions: param(sp, "decision")
      .split(",")
      .map((d) => d.trim())
      .filter((d) => (DECISIONS as readonly string[]).includes(d)),
    range: known ? (range as RangeId) : DEFAULT_FILTERS.range,
    from: validIso(param(sp, "from")),
    to: validIso(param(sp, "to")),
  };
  if (f.range === "custom" && !f.from) f.range = DEFAULT_FILTERS.range;
  if (f.range !== "custom") f.from = f.to = "";
  return f;
}

/** The page URL's query for these filters (defaults left out). */
export function filtersToParams(f: AuditFilters): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.serverId) sp.set("server", f.serverId);
  if (f.grantId) sp.set("grant", f.grantId);
  if (f.tool) sp.set("tool", f.tool);
  if (f.operation) sp.set("operation", f.operation);
  if (f.decisions.length) sp.set("decision", f.decisions.join(","));
  if (f.range !== DEFAULT_FILTERS.range) sp.set("range", f.range);
  if (f.range === "custom") {
    if (f.from) sp.set("from", f.from);
    if (f.to) sp.set("to", f.to);
  }
  return sp;
}

/** The time window the filters mean at `now`: presets slide (no end), custom is fixed. */
export function resolveRange(f: AuditFilters, now: number = Date.now()): { from: string; to?: string } {
  if (f.range === "custom") return { from: f.from || new Date(now - 86_400_000).toISOString(), ...(f.to ? { to: f.to } : {}) };
  const preset = RANGE_PRESETS.find((r) => r.id === f.range) ?? RANGE_PRESETS[2];
  return { from: new Date(now - preset.ms).toISOString() };
}

/** Query for GET /api/v1/audit (list and export). */
export function auditApiParams(f: AuditFilters, now: number = Date.now(), extra: Record<string, string | number | undefined> = {}): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.serverId) sp.set("serverId", f.serverId);
  if (f.grantId) sp.set("grantId", f.grantId);
  if (f.tool.trim()) sp.set("tool", f.tool.trim());
  if (f.operation.trim()) sp.set("operation", f.operation.trim());
  if (f.decisions.length) sp.set("decision", f.decisions.join(","));
  const { from, to } = resolveRange(f, now);
  sp.set("from", from);
  if (to) sp.set("to", to);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== "") sp.set(k, String(v));
  return sp;
}

/** Query for GET /api/v1/audit/stats: the list's filters, over a window closed at `now`. */
export function statsApiParams(f: AuditFilters, now: number = Date.now()): URLSearchParams {
  const sp = auditApiParams(f, now);
  if (!sp.has("to")) sp.set("to", new Date(now).toISOString());
  return sp;
}

/** True when anything narrows the log besides the time range. */
export function hasNarrowingFilters(f: AuditFilters): boolean {
  return Boolean(f.serverId || f.grantId || f.tool.trim() || f.operation.trim() || f.decisions.length);
}

/** "tool · operation" for a multiplexed tool's call, else the tool (or the method): how the log names a call. */
export function toolLabel(e: { tool: string | null; operation?: string | null; method: string }): string {
  if (e.tool === null) return e.method;
  return e.operation == null ? e.tool : `${e.tool} · ${e.operation}`;
}

/** The filters with nothing narrowing the log but the time range ("Clear filters"). */
export function withoutNarrowing(f: AuditFilters): AuditFilters {
  return { ...f, serverId: "", grantId: "", tool: "", operation: "", decisions: [] };
}

/** Where a rule pointer leads: the server's policy page (/servers/<id>/policy), with the pointer. */
export function ruleHref(serverId: string, pointer: string): string {
  return `/servers/${encodeURIComponent(serverId)}/policy?rule=${encodeURIComponent(pointer)}`;
}

/** A top denied rule's link: its server's policy page, when the rule is in that server's policy (not a grant's own). */
export function deniedRuleHref(r: AuditStats["topDeniedRules"][number]): string | undefined {
  return r.rule && r.policyScope === "server" ? ruleHref(r.serverId, r.rule) : undefined;
}

// ---- charts ---------------------------------------------------------------------------------

export interface AuditStats {
  from: string;
  to: string;
  bucket: "minute" | "hour";
  series: { t: string; decision: string; count: number }[];
  latency: { t: string; p50: number | null; p99: number | null }[];
  topTools: { tool: string | null; count: number }[];
  topDeniedRules: { rule: string | null; tool: string | null; serverId: string; policyId: string | null; policyScope: "server" | "grant" | null; count: number }[];
}

export type CallsRow = { t: number; total: number } & Record<string, number>;
export interface LatencyRow {
  t: number;
  p50: number | null;
  p99: number | null;
}

const STEP = { minute: 60_000, hour: 3600_000 } as const;

/** Every bucket start from `from` to `to` (UTC-aligned, as PostgreSQL's date_trunc on UTC times). */
export function bucketStarts(from: string, to: string, bucket: "minute" | "hour", max = 2000): number[] {
  const step = STEP[bucket];
  const start = Math.floor(Date.parse(from) / step) * step;
  const end = Math.floor(Date.parse(to) / step) * step;
  const out: number[] = [];
  for (let t = start; t <= end && out.length < max; t += step) out.push(t);
  return out;
}

/** The decisions that occur in the series, known ones first in their usual order. */
export function seriesDecisions(stats: Pick<AuditStats, "series">): string[] {
  const seen = new Set(stats.series.map((s) => s.decision));
  return [...DECISIONS.filter((d) => seen.has(d)), ...[...seen].filter((d) => !(DECISIONS as readonly string[]).includes(d)).sort()];
}

/** One row per bucket with a count per decision (zeros where nothing happened). */
export function callsRows(stats: AuditStats): CallsRow[] {
  const decisions = seriesDecisions(stats);
  const rows = new Map<number, CallsRow>();
  const blank = (t: number): CallsRow => {
    const r = { t, total: 0 } as CallsRow;
    for (const d of decisions) r[d] = 0;
    return r;
  };
  for (const t of bucketStarts(stats.from, stats.to, stats.bucket)) rows.set(t, blank(t));
  for (const s of stats.series) {
    const t = Date.parse(s.t);
    const row = rows.get(t) ?? blank(t);
    row[s.decision] = (row[s.decision] ?? 0) + s.count;
    row.total += s.count;
    rows.set(t, row);
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/** Latency per bucket, null where no call was timed (the line breaks there). */
export function latencyRows(stats: AuditStats): LatencyRow[] {
  const byT = new Map(stats.latency.map((l) => [Date.parse(l.t), l]));
  const times = new Set([...bucketStarts(stats.from, stats.to, stats.bucket), ...byT.keys()]);
  return [...times]
    .sort((a, b) => a - b)
    .map((t) => {
      const l = byT.get(t);
      return { t, p50: round(l?.p50), p99: round(l?.p99) };
    });
}

function round(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : Math.round(v * 100) / 100;
}

export function totalCalls(stats: Pick<AuditStats, "series">): { total: number; denied: number } {
  let total = 0;
  let denied = 0;
  for (const s of stats.series) {
    total += s.count;
    if (s.decision !== "allow") denied += s.count;
  }
  return { total, denied };
}

// ---- <input type="datetime-local"> ------------------------------------------------------------

/** An ISO date-time as a datetime-local input shows it (the browser's time zone, minutes). */
export function toLocalInput(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO date-time, or "" when empty or invalid. */
export function fromLocalInput(value: string): string {
  if (!value) return "";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}
