"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { memo } from "react";
import { Card } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { deniedRuleHref, totalCalls, type AuditStats } from "@/lib/client/audit";
import { formatCount, formatMs } from "@/lib/client/format";

// Charts for the selected time range (and server): calls per minute or hour stacked by
// decision, p50/p99 latency, top tools and top denied rules.

const CallsChart = dynamic(() => import("./audit-charts").then((m) => m.CallsChart), { ssr: false, loading: () => <ChartSkeleton /> });
const LatencyChart = dynamic(() => import("./audit-charts").then((m) => m.LatencyChart), { ssr: false, loading: () => <ChartSkeleton /> });

interface Props {
  stats: AuditStats | undefined;
  error: Error | null;
  loading: boolean;
  serverId: string;
  serverName: (id: string) => string;
  onTool: (tool: string, deniedOnly?: boolean) => void;
}

/** Memoised: it only changes with the stats, not with each poll of the log. */
export const AuditOverview = memo(function AuditOverview({ stats, error, loading, serverId, serverName, onTool }: Props) {
  if (error && !stats) return <Alert tone="error">Could not load the charts: {error.message}</Alert>;
  const { total, denied } = stats ? totalCalls(stats) : { total: 0, denied: 0 };
  const per = stats?.bucket ?? "minute";
  return (
    <section aria-labelledby="audit-overview-title" className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id="audit-overview-title" className="text-base font-semibold text-zinc-900">
          {serverId ? `Traffic of ${serverName(serverId)}` : "Traffic"}
        </h2>
        <p className="text-xs text-zinc-500">The charts follow every filter, as the log below does.</p>
      </div>
      <dl className="grid grid-cols-3 gap-3 sm:gap-4">
        <Stat label="Calls" value={stats ? formatCount(total) : "…"} />
        <Stat label="Not allowed" value={stats ? formatCount(denied) : "…"} tone={denied > 0 ? "red" : undefined} />
        <Stat label="Deny rate" value={stats ? (total ? `${((denied / total) * 100).toFixed(denied / total < 0.1 ? 1 : 0)}%` : "—") : "…"} />
      </dl>
      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard title={`Calls per ${per}`} subtitle="Stacked by decision">
          {stats ? (
            total > 0 ? (
              <div role="img" aria-label={`Calls per ${per}, stacked by decision: ${formatCount(total)} calls, ${formatCount(denied)} not allowed`}>
                <CallsChart stats={stats} />
              </div>
            ) : (
              <NoData />
            )
          ) : (
            <ChartSkeleton busy={loading} />
          )}
        </ChartCard>
        <ChartCard title="Gateway latency" subtitle={`p50 and p99 per ${per}, in ms, of forwarded calls`}>
          {stats ? (
            stats.latency.length > 0 ? (
              <div role="img" aria-label={`Gateway latency per ${per}: ${latencySummary(stats)}`}>
                <LatencyChart stats={stats} />
              </div>
            ) : (
              <NoData what="No forwarded calls in this range." />
            )
          ) : (
            <ChartSkeleton busy={loading} />
          )}
        </ChartCard>
        <ChartCard title="Top tools" subtitle="By calls; choose one to filter the log">
          {stats ? (
            <RankedBars
              label="Top tools"
              items={stats.topTools.map((t) => ({ key: t.tool ?? "", name: t.tool ?? "(no tool)", count: t.count, onPick: t.tool ? () => onTool(t.tool!) : undefined }))}
              color="bg-brand-500"
              empty="No calls in this range."
            />
          ) : (
            <ChartSkeleton busy={loading} />
          )}
        </ChartCard>
        <ChartCard title="Top denied rules" subtitle="The rules that refused most calls">
          {stats ? (
            <RankedBars
              label="Top denied rules"
              items={stats.topDeniedRules.map((r) => ({
                key: `${r.serverId}|${r.policyId}|${r.rule}|${r.tool}`,
                name: r.rule ?? "(no rule)",
                detail: r.tool ?? undefined,
                context: [serverId ? null : `on ${serverName(r.serverId)}`, r.policyScope === "grant" ? "in a grant's own policy" : null].filter(Boolean).join(", ") || undefined,
                count: r.count,
                href: deniedRuleHref(r),
                onPick: r.tool ? () => onTool(r.tool!, true) : undefined,
              }))}
              color="bg-red-500"
              empty="Nothing was denied in this range."
            />
          ) : (
            <ChartSkeleton busy={loading} />
          )}
        </ChartCard>
      </div>
    </section>
  );
});

function latencySummary(stats: AuditStats): string {
  const p50 = stats.latency.flatMap((l) => (l.p50 === null ? [] : [l.p50]));
  const p99 = stats.latency.flatMap((l) => (l.p99 === null ? [] : [l.p99]));
  if (!p50.length) return "no forwarded calls";
  return `p50 between ${formatMs(Math.min(...p50))} and ${formatMs(Math.max(...p50))}, p99 up to ${formatMs(Math.max(...p99))}`;
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: "red" }) {
  return (
    <Card className="px-4 py-3">
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className={tone === "red" ? "mt-0.5 text-xl font-semibold text-red-700 tabular-nums" : "mt-0.5 text-xl font-semibold text-zinc-900 tabular-nums"}>{value}</dd>
    </Card>
  );
}

function ChartCard({ title, subtitle, children }: { title: string; subtitle: string; children: React.ReactNode }) {
  return (
    <Card className="min-w-0 p-4">
      <h3 className="text-sm font-semibold text-zinc-900">{title}</h3>
      <p className="mb-3 text-xs text-zinc-500">{subtitle}</p>
      {children}
    </Card>
  );
}

interface RankedItem {
  key: string;
  name: string;
  detail?: string;
  /** Where the item belongs (a server, a grant's own policy), after the detail. */
  context?: string;
  count: number;
  href?: string;
  onPick?: () => void;
}

/** A ranked list with proportional bars: readable at any width, and real links and buttons. */
function RankedBars({ label, items, color, empty }: { label: string; items: RankedItem[]; color: string; empty: string }) {
  if (items.length === 0) return <NoData what={empty} />;
  const max = Math.max(...items.map((i) => i.count), 1);
  return (
    <ol aria-label={label} className="space-y-2.5">
      {items.map((i) => (
        <li key={i.key} className="text-sm">
          <div className="flex items-baseline justify-between gap-3">
            <div className="flex min-w-0 items-baseline gap-2">
              {i.onPick ? (
                <button type="button" onClick={i.onPick} className="truncate font-mono text-xs text-zinc-800 hover:text-brand-700 hover:underline" title={`Show the calls of ${i.detail ?? i.name}`}>
                  {i.name}
                </button>
              ) : (
                <span className="truncate font-mono text-xs text-zinc-800">{i.name}</span>
              )}
              {i.detail && <span className="truncate text-xs text-zinc-500">{i.detail}</span>}
              {i.context && <span className="truncate text-xs text-zinc-400">{i.context}</span>}
              {i.href && (
                <Link href={i.href} className="shrink-0 text-xs font-medium text-brand-700 hover:underline">
                  rule
                </Link>
              )}
            </div>
            <span className="shrink-0 text-xs font-medium text-zinc-700 tabular-nums">{formatCount(i.count)}</span>
          </div>
          <div className="mt-1 h-1.5 rounded-full bg-zinc-100" aria-hidden>
            <div className={`h-full rounded-full ${color}`} style={{ width: `${Math.max((i.count / max) * 100, 2)}%` }} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function NoData({ what = "No calls in this range." }: { what?: string }) {
  return <div className="flex h-[220px] items-center justify-center rounded-md bg-zinc-50 text-sm text-zinc-500">{what}</div>;
}

function ChartSkeleton({ busy = true }: { busy?: boolean }) {
  return <div className="h-[220px] animate-pulse rounded-md bg-zinc-100" aria-busy={busy} aria-label="Loading chart" />;
}
