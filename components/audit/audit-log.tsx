"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Button, ButtonLink } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetch } from "@/lib/client/api";
import { auditApiParams, filtersToParams, hasNarrowingFilters, RANGE_PRESETS, statsApiParams, withoutNarrowing, type AuditFilters, type AuditStats } from "@/lib/client/audit";
import { formatCount } from "@/lib/client/format";
import { useGrants, useServerOptions } from "@/components/grants/queries";
import { AuditFiltersBar } from "./audit-filters";
import { AuditOverview } from "./audit-overview";
import { EventsTable } from "./events-table";
import { EventDrawer } from "./event-drawer";
import type { AuditEventRow, AuditPage, Names } from "./types";

const PAGE_SIZE = 50;
const POLL_MS = 5000;
/** Live updates refetch every loaded page; past this many, they pause until the filter changes. */
const MAX_LIVE_PAGES = 5;

export function AuditLog({ initialFilters }: { initialFilters: AuditFilters }) {
  const [filters, setFiltersState] = useState(initialFilters);
  const [live, setLive] = useState(true);
  const [selected, setSelected] = useState<AuditEventRow | null>(null);
  const trigger = useRef<HTMLElement | null>(null);
  const canLive = !(filters.range === "custom" && filters.to);

  const setFilters = useCallback((f: AuditFilters) => setFiltersState(f), []);

  // The filters live in the URL too, so a view can be bookmarked and shared.
  useEffect(() => {
    const qs = filtersToParams(filters).toString();
    const next = `${window.location.pathname}${qs ? `?${qs}` : ""}`;
    if (next !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, "", next);
  }, [filters]);

  const servers = useServerOptions();
  const grants = useGrants();
  const names = useMemo<Names>(() => {
    const s = new Map((servers.data ?? []).map((x) => [x.id, x.name]));
    const g = new Map((grants.data ?? []).map((x) => [x.id, x]));
    return {
      server: (id) => s.get(id) ?? id,
      grant: (id) => (id ? (g.get(id)?.label ?? id) : null),
      ownPolicy: (id) => !!(id && g.get(id)?.policyId),
    };
  }, [servers.data, grants.data]);

  const events = useInfiniteQuery({
    queryKey: ["audit", "events", filters],
    queryFn: ({ pageParam }) => apiFetch<AuditPage>(`/api/v1/audit?${auditApiParams(filters, Date.now(), { limit: PAGE_SIZE, cursor: pageParam })}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (live && canLive && (q.state.data?.pages.length ?? 0) <= MAX_LIVE_PAGES ? POLL_MS : false),
  });
  const stats = useQuery({
    queryKey: ["audit", "stats", filters],
    queryFn: () => apiFetch<AuditStats>(`/api/v1/audit/stats?${statsApiParams(filters)}`),
    placeholderData: keepPreviousData,
    refetchInterval: live && canLive ? (filters.range === "7d" ? 6 * POLL_MS : POLL_MS) : false,
  });

  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);
  const freshIds = useFreshIds(rows, filters);
  const livePausedByPaging = live && canLive && (events.data?.pages.length ?? 0) > MAX_LIVE_PAGES;

  const exportHref = useCallback((format: "csv" | "json") => `/api/v1/audit?${auditApiParams(filters, Date.now(), { format })}`, [filters]);
  const open = useCallback((e: AuditEventRow, from: HTMLElement) => {
    trigger.current = from;
    setSelected(e);
  }, []);
  const close = useCallback(() => {
    setSelected(null);
    // Back to the row the drawer was opened from (if it is still there).
    requestAnimationFrame(() => trigger.current?.isConnected && trigger.current.focus());
  }, []);

  const pickTool = useCallback(
    (tool: string, deniedOnly?: boolean) =>
      setFiltersState((f) => ({ ...f, tool, operation: "", decisions: deniedOnly ? ["deny", "hide", "rate_limited", "require_approval"] : f.decisions })),
    [],
  );

  const narrowed = hasNarrowingFilters(filters);
  const rangeLabel = filters.range === "custom" ? "the chosen range" : `the last ${RANGE_PRESETS.find((r) => r.id === filters.range)?.label}`;
  const nothingInRange = events.isSuccess && rows.length === 0 && !narrowed;

  return (
    <div className="space-y-6">
      <style>{"@keyframes tg-fresh{from{background-color:var(--color-brand-50)}to{background-color:transparent}}"}</style>
      <AuditFiltersBar
        filters={filters}
        onChange={setFilters}
        servers={servers.data ?? []}
        grants={grants.data ?? []}
        toolSuggestions={(stats.data?.topTools ?? []).flatMap((t) => (t.tool ? [t.tool] : []))}
        live={live}
        onLiveChange={setLive}
        canLive={canLive}
        updatedAt={events.dataUpdatedAt}
        exportHref={exportHref}
      />

      {nothingInRange ? (
        <EmptyState
          title={`No calls in ${rangeLabel}`}
          body="Events appear here as agents call tools through a grant’s gateway URL: create a grant, paste its snippet into Claude Code, Cursor or VS Code, and call a tool. Each decision (allowed, denied, hidden, rate limited) shows up within seconds; this page checks every 5 s."
          action={
            <div className="flex flex-wrap justify-center gap-2">
              <ButtonLink href="/grants">Create a grant</ButtonLink>
              {filters.range !== "7d" && (
                <Button variant="secondary" onClick={() => setFilters({ ...filters, range: "7d", from: "", to: "" })}>
                  Show the last 7 days
                </Button>
              )}
            </div>
          }
        />
      ) : (
        <AuditOverview
          stats={stats.data}
          error={stats.error}
          loading={stats.isPending}
          serverId={filters.serverId}
          serverName={names.server}
          onTool={pickTool}
        />
      )}

      {!nothingInRange && (
        <Card>
          <CardHeader
            title="Events"
            description={
              events.isSuccess
                ? `${formatCount(rows.length)} ${rows.length === 1 ? "event" : "events"} shown, newest first${events.hasNextPage ? "; more below" : ""}.`
                : "Newest first."
            }
            actions={
              events.isPlaceholderData ? (
                <span className="inline-flex items-center gap-2 text-xs text-zinc-500" role="status">
                  <span className="size-3 animate-spin rounded-full border-2 border-zinc-300 border-t-transparent" aria-hidden />
                  Updating
                </span>
              ) : undefined
            }
          />
          {events.error && (
            <div className="p-5">
              <Alert tone="error">
                Could not load events: {events.error.message}{" "}
                <button type="button" className="font-medium underline underline-offset-2" onClick={() => events.refetch()}>
                  Try again
                </button>
              </Alert>
            </div>
          )}
          {events.isPending && <RowsSkeleton />}
          {events.isSuccess && rows.length === 0 && (
            <div className="px-5 py-10 text-center">
              <p className="text-sm font-medium text-zinc-900">No events match these filters</p>
              <p className="mt-1 text-sm text-zinc-600">Try another decision or tool, a longer time range, or clear the filters.</p>
              <Button variant="secondary" className="mt-4" onClick={() => setFilters(withoutNarrowing(filters))}>
                Clear filters
              </Button>
            </div>
          )}
          {rows.length > 0 && <EventsTable events={rows} names={names} freshIds={freshIds} onOpen={open} />}
          {rows.length > 0 && (
            <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-5 py-3">
              <p className="text-xs text-zinc-500">
                {livePausedByPaging
                  ? "Live updates are paused while this many pages are loaded; change a filter to resume."
                  : events.hasNextPage
                    ? `Pages of ${PAGE_SIZE}, read from the server as you ask for them.`
                    : "That is every event of this filter."}
              </p>
              {events.hasNextPage && (
                <Button variant="secondary" busy={events.isFetchingNextPage} onClick={() => events.fetchNextPage()}>
                  Load more
                </Button>
              )}
            </div>
          )}
        </Card>
      )}

      <EventDrawer
        event={selected}
        names={names}
        onClose={close}
        onFilter={(patch) => {
          setSelected(null);
          setFilters({ ...filters, ...patch, ...(patch.serverId ? { grantId: "" } : {}) });
        }}
      />
    </div>
  );
}

/** Ids that arrived with the latest poll (not on the first load or after a filter change). */
function useFreshIds(rows: AuditEventRow[], filters: AuditFilters): Set<string> {
  const seen = useRef<{ key: AuditFilters; ids: Set<string> } | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  useEffect(() => {
    const ids = new Set(rows.map((r) => r.id));
    const prev = seen.current;
    if (prev && prev.key === filters && prev.ids.size > 0) setFresh(new Set(rows.filter((r) => !prev.ids.has(r.id)).map((r) => r.id)));
    else setFresh(new Set());
    seen.current = { key: filters, ids };
  }, [rows, filters]);
  return fresh;
}

function RowsSkeleton() {
  return (
    <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading events">
      {[0, 1, 2, 3, 4].map((i) => (
        <div key={i} className="flex animate-pulse items-center gap-4">
          <div className="h-4 w-16 rounded bg-zinc-200" />
          <div className="h-4 w-14 rounded-full bg-zinc-100" />
          <div className="h-4 w-32 rounded bg-zinc-100" />
          <div className="ml-auto h-4 w-12 rounded bg-zinc-100" />
        </div>
      ))}
    </div>
  );
}
