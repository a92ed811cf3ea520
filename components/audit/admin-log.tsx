"use client";

import Link from "next/link";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Card, CardHeader } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetch } from "@/lib/client/api";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { AdminLogRow } from "./types";

const PAGE_SIZE = 50;

/** Who changed which server, policy, grant, member or key, and when: newest first, paged. */
export function AdminLog() {
  const log = useInfiniteQuery({
    queryKey: ["audit", "admin"],
    queryFn: ({ pageParam }) =>
      apiFetch<{ items: AdminLogRow[]; nextCursor: string | null }>(`/api/v1/audit/admin?limit=${PAGE_SIZE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];

  if (log.isSuccess && rows.length === 0) {
    return (
      <EmptyState
        title="No changes recorded yet"
        body="Every change to servers, policies, grants, members, invitations and API keys, made in the dashboard or through the API, is written here in the same transaction as the change."
      />
    );
  }

  const now = Date.now();
  return (
    <Card>
      <CardHeader title="Admin log" description="Changes to servers, policies, grants, members and API keys, by whom and when. Newest first." />
      {log.error && (
        <div className="p-5">
          <Alert tone="error">
            Could not load the admin log: {log.error.message}{" "}
            <button type="button" className="font-medium underline underline-offset-2" onClick={() => log.refetch()}>
              Try again
            </button>
          </Alert>
        </div>
      )}
      {log.isPending && (
        <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading the admin log">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="flex animate-pulse gap-4">
              <div className="h-4 w-24 rounded bg-zinc-200" />
              <div className="h-4 w-40 rounded bg-zinc-100" />
              <div className="h-4 w-28 rounded bg-zinc-100" />
            </div>
          ))}
        </div>
      )}
      {rows.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Admin log">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
              <tr>
                <th scope="col" className="px-5 py-2.5 font-medium">
                  Time
                </th>
                <th scope="col" className="px-3 py-2.5 font-medium">
                  Action
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                  Actor
                </th>
                <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                  Target
                </th>
                <th scope="col" className="hidden px-5 py-2.5 font-medium lg:table-cell">
                  Details
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {rows.map((r) => (
                <tr key={r.id} data-testid="admin-log-row">
                  <td className="py-2.5 pr-3 pl-5 align-top whitespace-nowrap text-zinc-600" title={formatDateTime(r.createdAt)}>
                    <span className="tabular-nums">{formatRelative(r.createdAt, now)}</span>
                  </td>
                  <td className="w-full max-w-0 px-3 py-2.5 align-top sm:w-auto sm:max-w-none">
                    <code className="font-mono text-xs leading-5 font-medium text-zinc-900">{r.action}</code>
                    {/* What the hidden columns say, on narrow screens. */}
                    <div className="mt-0.5 truncate text-xs text-zinc-500 sm:hidden">by {actorName(r)}</div>
                    <div className="mt-0.5 text-xs text-zinc-500 md:hidden">
                      <Target row={r} />
                    </div>
                    <div className="mt-1 lg:hidden">
                      <Details details={r.details} />
                    </div>
                  </td>
                  <td className="hidden px-3 py-2.5 align-top sm:table-cell">
                    <span className="flex items-center gap-1.5">
                      <span className="max-w-[12rem] truncate text-zinc-800" title={actorName(r)}>
                        {actorName(r)}
                      </span>
                      {r.actorType !== "user" && <Badge>{r.actorType === "api_key" ? "API key" : r.actorType}</Badge>}
                    </span>
                  </td>
                  <td className="hidden px-3 py-2.5 align-top md:table-cell">
                    <div className="max-w-[13rem]">
                      <Target row={r} />
                    </div>
                  </td>
                  <td className="hidden px-5 py-2.5 align-top lg:table-cell">
                    <Details details={r.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length > 0 && (
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-5 py-3">
          <p className="text-xs text-zinc-500">{log.hasNextPage ? `${rows.length} changes shown.` : `${rows.length} ${rows.length === 1 ? "change" : "changes"}: that is all of them.`}</p>
          {log.hasNextPage && (
            <Button variant="secondary" busy={log.isFetchingNextPage} onClick={() => log.fetchNextPage()}>
              Load more
            </Button>
          )}
        </div>
      )}
    </Card>
  );
}

function detailValue(v: unknown): string {
  const s = v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}

function actorName(r: AdminLogRow): string {
  return r.actorLabel || r.actorId || r.actorType;
}

function Target({ row }: { row: AdminLogRow }) {
  const id = row.targetId;
  const href = id && row.targetType === "server" ? `/servers/${encodeURIComponent(id)}` : id && row.targetType === "grant" ? `/audit?grant=${encodeURIComponent(id)}` : undefined;
  return (
    <span className="flex max-w-full min-w-0 flex-wrap items-baseline gap-x-1.5 lg:flex-col lg:items-start">
      <span className="shrink-0 text-zinc-600">{row.targetType.replace(/_/g, " ")}</span>
      {id &&
        (href ? (
          <Link href={href} className="max-w-full truncate font-mono text-xs text-zinc-800 hover:text-brand-700 hover:underline" title={id}>
            {id}
          </Link>
        ) : (
          <code className="max-w-full truncate font-mono text-xs text-zinc-800" title={id}>
            {id}
          </code>
        ))}
    </span>
  );
}

/** The change's details as key: value pairs (objects as compact JSON), the whole in a title. */
function Details({ details }: { details: unknown }) {
  if (!details || typeof details !== "object" || Object.keys(details).length === 0) return <span className="text-xs text-zinc-400">—</span>;
  const entries = Object.entries(details as Record<string, unknown>);
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs" title={JSON.stringify(details, null, 2)}>
      {entries.slice(0, 6).map(([k, v]) => (
        <div key={k} className="flex max-w-full min-w-0 gap-1">
          <dt className="shrink-0 text-zinc-500">{k}</dt>
          <dd className="min-w-0 font-mono text-zinc-800 wrap-anywhere">{detailValue(v)}</dd>
        </div>
      ))}
      {entries.length > 6 && (
        <div>
          <dt className="sr-only">Other details</dt>
          <dd className="text-zinc-500">+{entries.length - 6} more</dd>
        </div>
      )}
    </dl>
  );
}
