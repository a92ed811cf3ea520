"use client";

import { useQuery } from "@tanstack/react-query";
import { Card, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";
import { apiFetch } from "@/lib/client/api";
import { Button } from "@/components/ui/button";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { timeAgo } from "./format";
import { PROCESS_MODE_LABELS, serverKeys, type Server, type ServerProcess } from "./types";

const COLUMNS: [string, string][] = [
  ["PID", "px-5"],
  ["Mode", "px-3"],
  ["Sessions", "px-3 text-right"],
  ["Started", "px-3"],
  ["Last active", "w-full px-5"],
];
const ACTION_COLUMN: [string, string] = ["", "px-5"];

/** The server's running processes (pid, sessions, started, last active), refreshed every 3 s. */
export function ProcessesPanel({ server, canWrite }: { server: Server; canWrite: boolean }) {
  const stop = useApiMutation((processId: string) => apiFetch(`/api/v1/servers/${server.id}/processes/${processId}`, { method: "DELETE" }), [serverKeys.processes(server.id)]);
  const processes = useQuery({
    queryKey: serverKeys.processes(server.id),
    queryFn: () => apiFetch<{ items: ServerProcess[] }>(`/api/v1/servers/${server.id}/processes`).then((r) => r.items),
    refetchInterval: 3000,
  });
  const items = processes.data ?? [];
  const offline = server.kind === "connector" && !server.connector?.online;
  return (
    <Card>
      <CardHeader
        title="Processes"
        description={
          server.processMode === "shared"
            ? "One process serves every session of this server. Refreshed every few seconds."
            : "One process per agent session. Refreshed every few seconds."
        }
      />
      {processes.error && (
        <div className="p-5">
          <Alert tone="error">Could not load the processes: {processes.error.message}</Alert>
        </div>
      )}
      {stop.error && (
        <div className="px-5 pt-4">
          <Alert tone="error">Could not stop the process: {stop.error.message}</Alert>
        </div>
      )}
      {processes.isPending && <div className="m-5 h-10 animate-pulse rounded-md bg-zinc-100" aria-busy="true" aria-label="Loading processes" />}
      {processes.isSuccess && items.length === 0 && (
        <p className="px-5 py-4 text-sm text-zinc-600">
          {offline
            ? "None: the connector is offline. Processes start on that machine once it dials in and an agent opens a session."
            : `None running. ${server.processMode === "shared" ? "The shared process starts" : "A process starts"} when an agent opens a session, and stops after ${server.idleTimeoutSeconds} s without a message.`}
        </p>
      )}
      {items.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Processes">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase">
              <tr>
                {(canWrite ? [...COLUMNS, ACTION_COLUMN] : COLUMNS).map(([label, cls]) => (
                  <th key={label} scope="col" className={cn("py-2 font-medium", cls)}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {items.map((p) => (
                <tr key={p.id} data-testid="process-row">
                  <td className="px-5 py-2.5 font-mono text-zinc-900 tabular-nums">{p.pid ?? "—"}</td>
                  <td className="px-3 py-2.5 whitespace-nowrap text-zinc-700">{PROCESS_MODE_LABELS[p.mode]}</td>
                  <td className="px-3 py-2.5 text-right text-zinc-900 tabular-nums">{p.sessions}</td>
                  <td className="px-3 py-2.5 whitespace-nowrap text-zinc-700" title={new Date(p.startedAt).toLocaleString()}>
                    {timeAgo(p.startedAt)}
                  </td>
                  <td className="px-5 py-2.5 whitespace-nowrap text-zinc-700" title={new Date(p.lastActiveAt).toLocaleString()}>
                    {timeAgo(p.lastActiveAt)}
                  </td>
                  {canWrite && (
                    <td className="px-5 py-1.5 text-right">
                      <Button
                        variant="secondary"
                        className="py-1 text-xs"
                        busy={stop.isPending && stop.variables === p.id}
                        aria-label={`Stop process ${p.pid ?? p.id}`}
                        title="Stops it now: its sessions end and their agents are told to start new ones"
                        onClick={() => stop.mutate(p.id)}
                      >
                        Stop
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
