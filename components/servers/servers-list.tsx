"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetchAll } from "@/lib/client/api";
import { AddServerForm } from "./add-server-form";
import { SyncStatus } from "./sync-status";
import { plural } from "./format";
import { ConnectorBadge } from "./connector";
import { KIND_LABELS, serverKeys, TRANSPORT_LABELS, type ServerListItem } from "./types";
import { joinWords } from "./shell-words";

export function ServersList({ orgId, canWrite, privateAllowed, publicUrl }: { orgId: string; canWrite: boolean; privateAllowed: boolean; publicUrl: string }) {
  // Open on "Add server", and always while there is no server; stays open after adding one, for the outcome.
  const [adding, setAdding] = useState(false);
  const servers = useQuery({
    queryKey: [...serverKeys.list, orgId],
    queryFn: () => apiFetchAll<ServerListItem>("/api/v1/servers"),
    // Connectors come and go: their badges follow while the list is open.
    refetchInterval: (q) => (q.state.data?.some((s) => s.kind === "connector") ? 5000 : false),
  });
  const items = servers.data ?? [];
  const empty = servers.isSuccess && items.length === 0;
  const showForm = canWrite && (adding || empty);

  return (
    <div className="space-y-6">
      {showForm && <AddServerForm privateAllowed={privateAllowed} publicUrl={publicUrl} onCreated={() => setAdding(true)} onClose={empty ? undefined : () => setAdding(false)} />}
      {empty && !canWrite && (
        <EmptyState title="No servers yet" body="An admin registers MCP servers by their URL, as a local command, or through a connector; Toolgate then lists their tools and rates each one." />
      )}
      {!empty && (
        <Card>
          <CardHeader
            title="Registered servers"
            description="Each server's tools are listed and rated when it is added and on every sync."
            actions={
              canWrite && !adding ? (
                <Button onClick={() => setAdding(true)} aria-controls="add-server">
                  Add server
                </Button>
              ) : undefined
            }
          />
          {servers.isPending && (
            <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading servers">
              {[0, 1, 2].map((i) => (
                <div key={i} className="h-10 animate-pulse rounded-md bg-zinc-100" />
              ))}
            </div>
          )}
          {servers.error && (
            <div className="p-5">
              <Alert tone="error">
                Could not load the servers: {servers.error.message}.{" "}
                <button type="button" className="font-medium underline" onClick={() => servers.refetch()}>
                  Try again
                </button>
              </Alert>
            </div>
          )}
          {items.length > 0 && <ServerTable items={items} />}
        </Card>
      )}
    </div>
  );
}

function ServerTable({ items }: { items: ServerListItem[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Servers">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase">
          <tr>
            <th scope="col" className="w-full px-5 py-2.5 font-medium">
              Server
            </th>
            <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
              Kind
            </th>
            <th scope="col" className="hidden px-3 py-2.5 text-right font-medium sm:table-cell">
              Tools
            </th>
            <th scope="col" className="hidden px-3 py-2.5 text-right font-medium sm:table-cell">
              Grants
            </th>
            <th scope="col" className="hidden px-5 py-2.5 font-medium sm:table-cell">
              Last sync
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {items.map((s) => (
            <tr key={s.id} className="align-top hover:bg-zinc-50/60" data-testid="server-row">
              <td className="max-w-0 px-5 py-3">
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                  <Link href={`/servers/${s.id}`} className="font-medium text-zinc-900 hover:text-brand-700 hover:underline">
                    {s.name}
                  </Link>
                  {s.kind === "connector" && <ConnectorBadge status={s.connector} />}
                  <span className="sm:hidden">
                    <SyncStatus lastSyncAt={s.lastSyncAt} lastSyncError={s.lastSyncError} />
                  </span>
                </div>
                <div className="mt-0.5 truncate font-mono text-xs text-zinc-500" title={whereOf(s)}>
                  {whereOf(s)}
                </div>
                <div className="mt-1 text-xs text-zinc-500 sm:hidden">
                  {plural(s._count.tools, "tool")} · {plural(s._count.grants, "grant")} · {kindLabel(s)}
                </div>
                {s.headerNames.length > 0 && (
                  <div className="mt-1 text-xs text-zinc-500">
                    Auth headers: <span className="font-mono">{s.headerNames.join(", ")}</span>
                  </div>
                )}
                {s.lastSyncError && <p className="mt-1 line-clamp-2 text-xs text-red-700">{s.lastSyncError}</p>}
              </td>
              <td className="hidden px-3 py-3 whitespace-nowrap text-zinc-700 md:table-cell">{kindLabel(s)}</td>
              <td className="hidden px-3 py-3 text-right text-zinc-900 tabular-nums sm:table-cell">{s._count.tools}</td>
              <td className="hidden px-3 py-3 text-right text-zinc-900 tabular-nums sm:table-cell">{s._count.grants}</td>
              <td className="hidden px-5 py-3 whitespace-nowrap sm:table-cell">
                <SyncStatus lastSyncAt={s.lastSyncAt} lastSyncError={s.lastSyncError} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "URL · Streamable HTTP", "Command", "Connector". */
function kindLabel(s: ServerListItem): string {
  return s.kind === "url" ? `URL · ${TRANSPORT_LABELS[s.transport]}` : KIND_LABELS[s.kind];
}

/** Where the server is: its URL, its command line, or what its connector last reported running. */
function whereOf(s: ServerListItem): string {
  if (s.kind === "command") return joinWords([s.command ?? "", ...s.args]);
  if (s.kind === "connector") return s.connector?.command ? `via connector: ${s.connector.command}` : "via connector";
  return s.url ?? "";
}
