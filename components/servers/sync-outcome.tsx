"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { apiFetchDetailed, ApiDetailedError } from "@/lib/client/api-details";
import { SYNC_KIND_LABELS } from "./sync-status";
import { plural } from "./format";
import { serverKeys, TRANSPORT_LABELS, type CreateSync, type ServerKind, type SyncKind, type SyncResult } from "./types";

export interface Outcome {
  server: { id: string; name: string; kind?: ServerKind };
  sync: CreateSync;
}

/** "over Streamable HTTP", or how a command or connector server was reached (the stdio host speaks HTTP to the gateway). */
function reachedOver(kind: ServerKind | undefined, transport: SyncResult["transport"]): string {
  if (kind === "command") return "Started the command over stdio";
  if (kind === "connector") return "Reached it through its connector";
  return `Connected over ${TRANSPORT_LABELS[transport]}`;
}

/** A failed sync's error as the create call reports it, from a thrown /sync error. */
export function failureOf(err: unknown): Extract<CreateSync, { ok: false }> {
  if (err instanceof ApiDetailedError) {
    const details = (err.details ?? {}) as { kind?: SyncKind; fields?: Record<string, string> };
    return { ok: false, error: { code: err.code, message: err.message, details } };
  }
  return { ok: false, error: { code: "error", message: err instanceof Error ? err.message : String(err) } };
}

/** Posts /sync and refreshes everything of that server. */
export function useSyncServer(id: string) {
  const qc = useQueryClient();
  const [pending, setPending] = useState(false);
  async function run(): Promise<CreateSync> {
    setPending(true);
    try {
      const r = await apiFetchDetailed<SyncResult>(`/api/v1/servers/${id}/sync`, { method: "POST" });
      return { ok: true, ...r };
    } catch (err) {
      return failureOf(err);
    } finally {
      setPending(false);
      await qc.invalidateQueries({ queryKey: serverKeys.all });
    }
  }
  return { run, pending };
}

/** After adding a server: "N tools found" with a link to the inventory, or exactly what failed with a retry. */
export function SyncOutcome({ outcome, onChange }: { outcome: Outcome; onChange: (o: Outcome) => void }) {
  const { server, sync } = outcome;
  const retry = useSyncServer(server.id);
  if (sync === null) {
    return (
      <div role="status" className="text-sm text-zinc-700">
        Saved <span className="font-medium">{server.name}</span> without connecting.{" "}
        <ButtonLink href={`/servers/${server.id}`} variant="secondary" className="ml-2 py-1.5">
          Open server
        </ButtonLink>
      </div>
    );
  }
  if (sync.ok) {
    return (
      <div role="status" aria-live="polite" className="flex flex-wrap items-center justify-between gap-3 rounded-md bg-emerald-50 px-4 py-3 ring-1 ring-emerald-200 ring-inset" data-testid="sync-outcome">
        <div className="text-sm text-emerald-900">
          <p className="font-semibold">
            {server.name} added: {plural(sync.total, "tool")} found
          </p>
          <p className="mt-0.5 text-emerald-800">
            {reachedOver(server.kind, sync.transport)}
            {sync.serverInfo.name ? ` to ${sync.serverInfo.name}${sync.serverInfo.version ? ` ${sync.serverInfo.version}` : ""}` : ""}. Each tool is rated; review the ratings and apply a policy.
          </p>
        </div>
        <ButtonLink href={`/servers/${server.id}`}>Open the inventory</ButtonLink>
      </div>
    );
  }
  const kind = sync.error.details?.kind;
  const label = kind ? SYNC_KIND_LABELS[kind] : undefined;
  return (
    <div role="alert" className="rounded-md bg-red-50 px-4 py-3 ring-1 ring-red-200 ring-inset" data-testid="sync-outcome">
      <p className="text-sm font-semibold text-red-900">
        {server.name} was saved, but Toolgate could not list its tools{label ? `: ${label.title}` : ""}
      </p>
      <p className="mt-1 font-mono text-xs break-words text-red-800">{sync.error.message}</p>
      <p className="mt-1 text-xs text-red-800">
        {kind && (
          <span className="mr-2 inline-flex rounded bg-red-100 px-1.5 py-0.5 font-mono text-[11px] font-medium text-red-800 ring-1 ring-red-200 ring-inset">
            {kind}
          </span>
        )}
        {label?.hint}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button variant="secondary" busy={retry.pending} onClick={async () => onChange({ server, sync: await retry.run() })}>
          Retry sync
        </Button>
        <ButtonLink href={`/servers/${server.id}`} variant="ghost">
          Edit the server
        </ButtonLink>
        {server.kind === "command" && (
          <ButtonLink href={`/servers/${server.id}/processes`} variant="ghost">
            See its logs
          </ButtonLink>
        )}
      </div>
    </div>
  );
}
