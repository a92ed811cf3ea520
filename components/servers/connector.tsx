"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { CopyField } from "@/components/ui/copy-field";
import { CopyButton } from "@/components/grants/copy-button";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";
import { SyncOutcome, useSyncServer, type Outcome } from "./sync-outcome";
import { serverKeys, type ConnectorStatus, type Server } from "./types";

// The connector: `toolgate connect` on another machine dials in with a key scoped to one server.

/** The line to run on the machine that runs the server; the command is pasted as typed (it is shell text). */
export function connectSnippet(publicUrl: string, key: string, commandLine: string): string {
  const command = commandLine.trim() || "<command> [args…]";
  return `npx toolgate connect --url ${publicUrl.replace(/\/$/, "")} --key ${key} -- ${command}`;
}

/** Seconds since `iso`, ticking every second while shown. */
function useSecondsSince(iso: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!iso) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [iso]);
  return iso ? Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000)) : null;
}

function ago(seconds: number): string {
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

/** Online/offline with the last heartbeat ("last heartbeat 4 s ago"). */
export function ConnectorBadge({ status, withHeartbeat = false }: { status: ConnectorStatus | null; withHeartbeat?: boolean }) {
  const seconds = useSecondsSince(withHeartbeat ? (status?.lastSeenAt ?? null) : null);
  const online = status?.online ?? false;
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1" data-testid="connector-status">
      <Badge tone={online ? "green" : "neutral"}>
        <span className={online ? "mr-1.5 size-1.5 rounded-full bg-emerald-500" : "mr-1.5 size-1.5 rounded-full bg-zinc-400"} aria-hidden />
        {online ? "Online" : "Offline"}
      </Badge>
      {withHeartbeat && (
        <span className="text-xs text-zinc-500" title={status?.lastSeenAt ? new Date(status.lastSeenAt).toLocaleString() : undefined}>
          {seconds === null ? "never connected" : `last heartbeat ${ago(seconds)}`}
        </span>
      )}
    </span>
  );
}

/** " from laptop, running npx …" while a connector is connected. */
export function ConnectorWhat({ status }: { status: ConnectorStatus | null }) {
  if (!status?.online) return null;
  return (
    <>
      {status.hostname && (
        <>
          {" "}
          from <span className="font-medium">{status.hostname}</span>
        </>
      )}
      {status.command && (
        <>
          , running <code className="font-mono text-xs break-all">{status.command}</code>
        </>
      )}
    </>
  );
}

/** Once the connector is online: list the server's tools (a sync through the connector), then the outcome. */
function ListTools({ server }: { server: Server }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const sync = useSyncServer(server.id);
  const self = { id: server.id, name: server.name, kind: server.kind };
  if (outcome) return <SyncOutcome outcome={outcome} onChange={setOutcome} />;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button busy={sync.pending} onClick={async () => setOutcome({ server: self, sync: await sync.run() })}>
        {sync.pending ? "Listing tools…" : "List its tools"}
      </Button>
      <span className="text-sm text-zinc-600">Toolgate opens a session through the connector, lists the tools and rates each one.</span>
    </div>
  );
}

/** The server, polled every 2.5 s while `live`: a connector's status as it dials in and drops. */
export function useLiveServer(id: string, initial?: Server, live = true) {
  return useQuery({
    queryKey: serverKeys.one(id),
    queryFn: () => apiFetch<{ server: Server }>(`/api/v1/servers/${id}`).then((r) => r.server),
    initialData: initial,
    refetchInterval: live ? 2500 : false,
  });
}

/**
 * A connector key shown once, with the `toolgate connect` line to run: the person types the
 * command their server runs with and the line follows. The server's status is watched live.
 */
export function ConnectorKeyReveal({ serverId, secret, publicUrl, intro }: { serverId: string; secret: string; publicUrl: string; intro: React.ReactNode }) {
  const id = useId();
  const [commandLine, setCommandLine] = useState("");
  const server = useLiveServer(serverId);
  const snippet = connectSnippet(publicUrl, secret, commandLine);
  const status = server.data?.connector ?? null;
  return (
    <section className="space-y-4 rounded-lg bg-white p-5 ring-2 ring-amber-300" aria-label="Connector key" data-testid="connector-reveal">
      <div className="text-sm text-zinc-700">{intro}</div>
      <Alert tone="warning">
        <strong className="font-semibold">Copy the key now: you won’t see it again.</strong> Toolgate keeps only its hash. A lost key is replaced with a new one on the server’s page.
      </Alert>
      <CopyField label="Connector key" value={secret} />
      <div>
        <label htmlFor={`${id}-cmd`} className="mb-1.5 block text-sm font-medium text-zinc-800">
          The command that starts the server on that machine
        </label>
        <input
          id={`${id}-cmd`}
          value={commandLine}
          onChange={(e) => setCommandLine(e.target.value)}
          placeholder="npx -y @modelcontextprotocol/server-filesystem ~/notes"
          autoComplete="off"
          spellCheck={false}
          className="block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-brand-600 focus:outline-none focus:ring-inset"
        />
      </div>
      <div>
        <div className="mb-1.5 flex flex-wrap items-center justify-between gap-2">
          <span className="text-sm font-medium text-zinc-800">Run this on that machine</span>
          <CopyButton value={snippet} ariaLabel="Copy the connect command" />
        </div>
        <pre className="overflow-auto rounded-md bg-zinc-900 p-3.5 text-xs leading-relaxed whitespace-pre-wrap text-zinc-100 wrap-anywhere" tabIndex={0} aria-label="Connect command" data-testid="connect-snippet">
          <code>{snippet}</code>
        </pre>
        <p className="mt-1.5 text-xs text-zinc-500">It needs Node.js there. It only dials out to this Toolgate (no port is opened on that machine) and reconnects by itself.</p>
      </div>
      <div className="flex items-start gap-3 rounded-md bg-zinc-50 px-4 py-3 ring-1 ring-zinc-200 ring-inset" role="status" aria-live="polite" data-testid="connector-live">
        <ConnectorBadge status={status} />
        <span className="min-w-0 text-sm text-zinc-700">
          {status?.online ? (
            <>
              Connected
              <ConnectorWhat status={status} />.
            </>
          ) : (
            <span className="inline-flex items-center gap-2">
              <span className="size-3 animate-spin rounded-full border-2 border-zinc-400 border-t-transparent" aria-hidden />
              Waiting for the connector to dial in…
            </span>
          )}
        </span>
      </div>
      {status?.online && server.data && <ListTools server={server.data} />}
    </section>
  );
}
