"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useMemo, useState } from "react";
import { RISK_CATEGORIES, RISK_LEVELS, type RiskLevel } from "@/gateway/risk/types";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetch, apiFetchAll } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { ApplyRecommended } from "./apply-recommended";
import { LEVEL_ORDER, RiskBadge } from "./risk";
import { ToolItem } from "./tool-item";
import { plural } from "./format";
import { serverKeys, type InventoryTool } from "./types";

interface Filter {
  q: string;
  level: string;
  category: string;
  pending: boolean;
}

const SELECT =
  "block w-full rounded-md border-0 bg-white py-2 pr-8 pl-3 text-sm text-zinc-900 ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 focus:outline-none";

export function Inventory({ serverId, canReview, canPublish, initialFilter }: { serverId: string; canReview: boolean; canPublish: boolean; initialFilter: Filter }) {
  const [filter, setFilter] = useState<Filter>({
    ...initialFilter,
    level: (RISK_LEVELS as readonly string[]).includes(initialFilter.level) ? initialFilter.level : "",
    category: (RISK_CATEGORIES as readonly string[]).includes(initialFilter.category) ? initialFilter.category : "",
  });
  const [applying, setApplying] = useState(false);
  const q = useDeferredValue(filter.q.trim().toLowerCase());
  const tools = useQuery({
    queryKey: serverKeys.tools(serverId),
    queryFn: () => apiFetchAll<InventoryTool>(`/api/v1/servers/${serverId}/tools`),
  });
  const review = useApiMutation(
    (names: string[]) => apiFetch<{ reviewed: number }>(`/api/v1/servers/${serverId}/tools`, { body: { review: names } }),
    [serverKeys.tools(serverId)],
  );
  const all = useMemo(() => tools.data ?? [], [tools.data]);
  const pending = all.filter((t) => t.pendingReview);
  const counts = useMemo(() => {
    const c: Record<RiskLevel, number> = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const t of all) c[t.risk.level]++;
    return c;
  }, [all]);
  const shown = useMemo(
    () =>
      all
        .filter(
          (t) =>
            (!q || t.name.toLowerCase().includes(q) || (t.title ?? "").toLowerCase().includes(q)) &&
            (!filter.level || t.risk.level === filter.level) &&
            (!filter.category || t.risk.category === filter.category) &&
            (!filter.pending || t.pendingReview),
        )
        .sort((a, b) => Number(b.pendingReview) - Number(a.pendingReview) || LEVEL_ORDER[a.risk.level] - LEVEL_ORDER[b.risk.level] || a.name.localeCompare(b.name)),
    [all, q, filter.level, filter.category, filter.pending],
  );
  const filtered = !!(filter.q || filter.level || filter.category || filter.pending);
  const clear = () => setFilter({ q: "", level: "", category: "", pending: false });

  return (
    <div className="space-y-4">
      {applying && canPublish && <ApplyRecommended serverId={serverId} onClose={() => setApplying(false)} />}

      {pending.length > 0 && (
        <Alert tone="warning">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <span>
              <span className="font-semibold">{plural(pending.length, "tool")} waiting for review.</span> The gateway denies {pending.length === 1 ? "it" : "them"} until a policy
              manager marks {pending.length === 1 ? "it" : "them"} reviewed.
            </span>
            {canReview && pending.length > 1 && (
              <Button variant="secondary" className="py-1.5" busy={review.isPending} onClick={() => review.mutate(pending.map((t) => t.name))}>
                Mark all {pending.length} reviewed
              </Button>
            )}
          </div>
        </Alert>
      )}
      {review.error && <Alert tone="error">Could not mark as reviewed: {review.error.message}</Alert>}

      <Card>
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-5 py-4">
          <div>
            <h2 className="text-base font-semibold text-zinc-900">Tool inventory</h2>
            {tools.isSuccess && all.length > 0 ? (
              <ul className="mt-1.5 flex flex-wrap items-center gap-1.5" aria-label="Tools per risk level">
                {RISK_LEVELS.slice()
                  .reverse()
                  .filter((l) => counts[l] > 0)
                  .map((l) => (
                    <li key={l}>
                      <RiskBadge level={l} className="tabular-nums" />
                      <span className="ml-1 text-xs text-zinc-600 tabular-nums">×{counts[l]}</span>
                    </li>
                  ))}
              </ul>
            ) : (
              <p className="mt-0.5 text-sm text-zinc-600">Every tool the server lists, rated by risk.</p>
            )}
          </div>
          {canPublish && all.length > 0 && !applying && (
            <Button variant="secondary" onClick={() => setApplying(true)}>
              Apply recommended policy
            </Button>
          )}
        </div>

        {all.length > 0 && (
          <div className="grid gap-3 border-b border-zinc-200 bg-zinc-50/60 px-5 py-3 sm:grid-cols-[minmax(0,1fr)_9rem_10rem] sm:items-end" role="search" aria-label="Filter tools">
            <div>
              <label htmlFor="tool-search" className="mb-1 block text-xs font-medium text-zinc-600">
                Search by name
              </label>
              <input
                id="tool-search"
                type="search"
                value={filter.q}
                onChange={(e) => setFilter({ ...filter, q: e.target.value })}
                placeholder="e.g. delete"
                className={SELECT.replace("pr-8", "pr-3")}
                autoComplete="off"
              />
            </div>
            <div className="grid grid-cols-2 gap-3 sm:contents">
              <div>
                <label htmlFor="tool-level" className="mb-1 block text-xs font-medium text-zinc-600">
                  Risk level
                </label>
                <select id="tool-level" value={filter.level} onChange={(e) => setFilter({ ...filter, level: e.target.value })} className={SELECT}>
                  <option value="">All</option>
                  {RISK_LEVELS.slice()
                    .reverse()
                    .map((l) => (
                      <option key={l} value={l}>
                        {l[0].toUpperCase() + l.slice(1)} ({counts[l]})
                      </option>
                    ))}
                </select>
              </div>
              <div>
                <label htmlFor="tool-category" className="mb-1 block text-xs font-medium text-zinc-600">
                  Category
                </label>
                <select id="tool-category" value={filter.category} onChange={(e) => setFilter({ ...filter, category: e.target.value })} className={SELECT}>
                  <option value="">All</option>
                  {RISK_CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div className="flex flex-wrap items-center justify-between gap-2 sm:col-span-3">
              <p className="text-xs text-zinc-600" role="status" aria-live="polite">
                {filtered ? `${shown.length} of ${plural(all.length, "tool")}` : plural(all.length, "tool")}
              </p>
              <div className="flex items-center gap-4">
                {pending.length > 0 && (
                  <label className="flex items-center gap-2 text-xs font-medium text-zinc-700">
                    <input type="checkbox" checked={filter.pending} onChange={(e) => setFilter({ ...filter, pending: e.target.checked })} className="size-4 accent-brand-600" />
                    Pending review only
                  </label>
                )}
                {filtered && (
                  <button type="button" onClick={clear} className="text-xs font-medium text-brand-700 hover:underline">
                    Clear filters
                  </button>
                )}
              </div>
            </div>
          </div>
        )}

        {tools.isPending && (
          <div className="space-y-4 p-5" aria-busy="true" aria-label="Loading tools">
            {[0, 1, 2].map((i) => (
              <div key={i} className="space-y-2">
                <div className="h-4 w-48 animate-pulse rounded bg-zinc-200" />
                <div className="h-3 w-full max-w-lg animate-pulse rounded bg-zinc-100" />
                <div className="h-3 w-2/3 max-w-md animate-pulse rounded bg-zinc-100" />
              </div>
            ))}
          </div>
        )}
        {tools.error && (
          <div className="p-5">
            <Alert tone="error">
              Could not load the tools: {tools.error.message}.{" "}
              <button type="button" className="font-medium underline" onClick={() => tools.refetch()}>
                Try again
              </button>
            </Alert>
          </div>
        )}
        {tools.isSuccess && all.length === 0 && (
          <div className="p-5">
            <EmptyState title="No tools listed yet" body="Toolgate has not listed this server's tools: the first sync failed or found none. Fix the URL or the headers if needed, then Sync." />
          </div>
        )}
        {all.length > 0 && shown.length === 0 && (
          <div className="px-5 py-10 text-center">
            <p className="text-sm font-medium text-zinc-900">No tools match these filters</p>
            <button type="button" onClick={clear} className="mt-2 text-sm font-medium text-brand-700 hover:underline">
              Clear filters
            </button>
          </div>
        )}
        {shown.length > 0 && (
          <ul className="divide-y divide-zinc-100" aria-label="Tools">
            {shown.map((t) => (
              <ToolItem key={t.name} tool={t} canReview={canReview} reviewing={review.isPending && review.variables?.includes(t.name) === true} onReview={(name) => review.mutate([name])} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
