"use client";

import { memo, useMemo } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { DECISION_COLORS, DECISION_LABELS, callsRows, latencyRows, seriesDecisions, type AuditStats } from "@/lib/client/audit";
import { formatCount, formatMs } from "@/lib/client/format";

// The two time charts of the audit page (recharts; loaded on the client only). The bar lists
// of top tools and denied rules are plain HTML in audit-overview.tsx.

const AXIS = { fontSize: 11, fill: "#71717a" };
const MAX_BARS = 48;
const GRID = "#f4f4f5";

function tickFormatter(bucket: AuditStats["bucket"], spanMs: number) {
  return (t: number) => {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, "0");
    if (bucket === "hour" && spanMs > 36 * 3600_000) return `${d.toLocaleDateString("en-US", { month: "short", day: "numeric" })} ${p(d.getHours())}h`;
    return `${p(d.getHours())}:${p(d.getMinutes())}`;
  };
}

function tooltipLabel(bucket: AuditStats["bucket"]) {
  return (t: unknown) => {
    const d = new Date(Number(t));
    const p = (n: number) => String(n).padStart(2, "0");
    const date = d.toLocaleDateString("en-US", { month: "short", day: "numeric" });
    return bucket === "hour" ? `${date}, ${p(d.getHours())}:00–${p(d.getHours())}:59` : `${date}, ${p(d.getHours())}:${p(d.getMinutes())}`;
  };
}

// Memoised: the log polls every 5 s, and redrawing charts whose stats did not change is the
// most expensive thing the page could do.
export const CallsChart = memo(function CallsChart({ stats }: { stats: AuditStats }) {
  const rows = useMemo(() => callsRows(stats), [stats]);
  const decisions = useMemo(() => seriesDecisions(stats), [stats]);
  const span = Date.parse(stats.to) - Date.parse(stats.from);
  const axes = (
    <>
      <CartesianGrid vertical={false} stroke={GRID} />
      <XAxis dataKey="t" tickFormatter={tickFormatter(stats.bucket, span)} tick={AXIS} tickLine={false} axisLine={{ stroke: "#e4e4e7" }} minTickGap={28} />
      <YAxis allowDecimals={false} tick={AXIS} tickLine={false} axisLine={false} width={44} tickFormatter={(v: number) => formatCount(v)} />
      <Tooltip
        cursor={{ fill: "#f4f4f5", stroke: "#d4d4d8" }}
        labelFormatter={tooltipLabel(stats.bucket)}
        formatter={(value, name) => [formatCount(Number(value)), DECISION_LABELS[String(name)] ?? String(name)]}
        contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e4e4e7" }}
      />
      <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} formatter={(name: string) => DECISION_LABELS[name] ?? name} />
    </>
  );
  // Stacked bars while they stay readable; past that, stacked step areas: one path per
  // decision instead of a rectangle per bucket and decision (7 days by hour would be ~850
  // rectangles, slow to draw and too thin to see).
  if (rows.length > MAX_BARS) {
    return (
      <ResponsiveContainer width="100%" height={220}>
        <AreaChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          {axes}
          {decisions.map((d) => (
            <Area
              key={d}
              dataKey={d}
              stackId="calls"
              type="step"
              stroke={DECISION_COLORS[d] ?? "#a1a1aa"}
              fill={DECISION_COLORS[d] ?? "#a1a1aa"}
              fillOpacity={0.85}
              strokeWidth={0}
              isAnimationActive={false}
              activeDot={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    );
  }
  return (
    <ResponsiveContainer width="100%" height={220}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap={1}>
        {axes}
        {decisions.map((d) => (
          <Bar key={d} dataKey={d} stackId="calls" fill={DECISION_COLORS[d] ?? "#a1a1aa"} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
});

export const LatencyChart = memo(function LatencyChart({ stats }: { stats: AuditStats }) {
  const rows = useMemo(() => latencyRows(stats), [stats]);
  const timed = rows.filter((r) => r.p50 !== null).length;
  const span = Date.parse(stats.to) - Date.parse(stats.from);
  const dot = timed < 24 ? { r: 2.5 } : false;
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid vertical={false} stroke={GRID} />
        <XAxis
          dataKey="t"
          tickFormatter={tickFormatter(stats.bucket, span)}
          tick={AXIS}
          tickLine={false}
          axisLine={{ stroke: "#e4e4e7" }}
          minTickGap={28}
          padding={{ left: 6, right: 6 }}
        />
        <YAxis tick={AXIS} tickLine={false} axisLine={false} width={44} tickFormatter={(v: number) => formatCount(v)} />
        <Tooltip
          labelFormatter={tooltipLabel(stats.bucket)}
          formatter={(value, name) => [formatMs(value === null || value === undefined ? null : Number(value)), String(name)]}
          contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e4e4e7" }}
        />
        <Legend iconType="plainline" iconSize={12} wrapperStyle={{ fontSize: 12 }} />
        <Line type="monotone" dataKey="p50" name="p50" stroke="#6366f1" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
        <Line type="monotone" dataKey="p99" name="p99" stroke="#f59e0b" strokeWidth={2} dot={dot} connectNulls isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
});
