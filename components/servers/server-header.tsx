"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";
import { TextField, SelectField } from "@/components/ui/field";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { HeaderRows, headerErrors, headersOf, type HeaderRow } from "./header-rows";
import { ReviewCheckbox } from "./add-server-form";
import { SyncStatus, SYNC_KIND_LABELS } from "./sync-status";
import { useSyncServer } from "./sync-outcome";
import { plural } from "./format";
import { serverKeys, TRANSPORT_LABELS, TRANSPORT_OPTIONS, type CreateSync, type Server, type Transport } from "./types";

interface Props {
  initial: Server;
  gatewayUrl: string;
  canWrite: boolean;
  privateAllowed: boolean;
}

export function ServerHeader({ initial, gatewayUrl, canWrite, privateAllowed }: Props) {
  const router = useRouter();
  const qc = useQueryClient();
  const server = useQuery({
    queryKey: serverKeys.one(initial.id),
    queryFn: () => apiFetch<{ server: Server }>(`/api/v1/servers/${initial.id}`).then((r) => r.server),
    initialData: initial,
  }).data;
  const [editing, setEditing] = useState(false);
  const [lastSync, setLastSync] = useState<CreateSync>(null);
  const sync = useSyncServer(server.id);
  const remove = useApiMutation(() => apiFetch(`/api/v1/servers/${server.id}`, { method: "DELETE" }));

  async function onDelete() {
    if (!confirm(`Delete ${server.name}? Its tools, policy link and grants stop working at once. This cannot be undone.`)) return;
    remove.mutate(undefined, {
      onSuccess: () => {
        qc.removeQueries({ queryKey: serverKeys.one(server.id) });
        void qc.invalidateQueries({ queryKey: serverKeys.list });
        router.push("/servers");
      },
    });
  }

  return (
    <div className="mb-6 space-y-4">
      <div>
        <Link href="/servers" className="text-sm font-medium text-zinc-500 hover:text-zinc-800">
          ← Servers
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="text-2xl font-semibold tracking-tight break-all text-zinc-900">{server.name}</h1>
              <SyncStatus lastSyncAt={server.lastSyncAt} lastSyncError={server.lastSyncError} />
              <Badge>{TRANSPORT_LABELS[server.transport]}</Badge>
            </div>
            <p className="mt-1 font-mono text-sm break-all text-zinc-600">{server.url}</p>
          </div>
          {canWrite && (
            <div className="flex flex-wrap gap-2">
              <Button busy={sync.pending} onClick={async () => setLastSync(await sync.run())}>
                {sync.pending ? "Syncing…" : "Sync"}
              </Button>
              <Button variant="secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-controls="edit-server">
                Edit
              </Button>
              <Button variant="danger" busy={remove.isPending} onClick={onDelete}>
                Delete
              </Button>
            </div>
          )}
        </div>
      </div>
      {remove.error && <Alert tone="error">Could not delete the server: {remove.error.message}</Alert>}
      {lastSync ? (
        <SyncResultBanner result={lastSync} onDismiss={() => setLastSync(null)} />
      ) : (
        server.lastSyncError && (
          <Alert tone="error">
            <span className="font-medium">The last sync failed:</span> <span className="break-words">{server.lastSyncError}</span>
            {canWrite && " Fix the URL or the headers with Edit, then Sync."}
          </Alert>
        )
      )}
      {editing && canWrite && <EditServer server={server} privateAllowed={privateAllowed} onDone={() => setEditing(false)} />}
      <Card className="grid gap-x-6 gap-y-4 p-5 md:grid-cols-[minmax(0,1fr)_minmax(0,16rem)]">
        <div className="min-w-0">
          <CopyField label="Gateway URL" value={gatewayUrl} />
          <p className="mt-1.5 text-xs text-zinc-500">Agents connect here with a grant token; Toolgate applies the policy and forwards allowed calls to the server.</p>
        </div>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm md:grid-cols-1">
          <div>
            <dt className="text-xs font-medium text-zinc-500">Upstream auth</dt>
            <dd className="mt-0.5 text-zinc-900">
              {server.headerNames.length ? (
                <span className="font-mono break-all" title="Values are stored encrypted and never shown">
                  {server.headerNames.join(", ")}
                </span>
              ) : (
                "None"
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-zinc-500">Tool review</dt>
            <dd className="mt-0.5 text-zinc-900">{server.reviewChangedTools ? "New or changed tools wait for review" : "Off"}</dd>
          </div>
        </dl>
      </Card>
    </div>
  );
}

function SyncResultBanner({ result, onDismiss }: { result: NonNullable<CreateSync>; onDismiss: () => void }) {
  if (!result.ok) {
    const kind = result.error.details?.kind;
    const label = kind ? SYNC_KIND_LABELS[kind] : undefined;
    return (
      <Alert tone="error">
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            <p className="font-medium">Sync failed{label ? `: ${label.title}` : ""}</p>
            <p className="mt-0.5 font-mono text-xs break-words">{result.error.message}</p>
            {label && <p className="mt-0.5 text-xs">{label.hint}</p>}
          </div>
          <DismissButton onClick={onDismiss} />
        </div>
      </Alert>
    );
  }
  const parts: [string, string[]][] = [
    ["added", result.added],
    ["changed", result.changed],
    ["removed", result.removed],
  ];
  return (
    <Alert tone="success">
      <div className="flex items-start justify-between gap-3" data-testid="sync-result">
        <div className="min-w-0">
          <p className="font-medium">
            Synced: {plural(result.total, "tool")} · {result.added.length} added · {result.changed.length} changed · {result.removed.length} removed
          </p>
          {parts
            .filter(([, names]) => names.length > 0)
            .map(([what, names]) => (
              <p key={what} className="mt-0.5 text-xs break-words">
                {what[0].toUpperCase() + what.slice(1)}: <span className="font-mono">{names.slice(0, 20).join(", ")}</span>
                {names.length > 20 && ` and ${names.length - 20} more`}
              </p>
            ))}
        </div>
        <DismissButton onClick={onDismiss} />
      </div>
    </Alert>
  );
}

function DismissButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" onClick={onClick} className="shrink-0 rounded p-0.5 opacity-70 hover:opacity-100" aria-label="Dismiss">
      <svg viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
        <path d="M5 5l10 10M15 5 5 15" strokeLinecap="round" />
      </svg>
    </button>
  );
}

interface EditInput {
  name: string;
  url: string;
  transport: Transport;
  reviewChangedTools: boolean;
  headers?: Record<string, string>;
}

function EditServer({ server, privateAllowed, onDone }: { server: Server; privateAllowed: boolean; onDone: () => void }) {
  const router = useRouter();
  const [name, setName] = useState(server.name);
  const [url, setUrl] = useState(server.url ?? "");
  const [transport, setTransport] = useState<Transport>(server.transport);
  const [review, setReview] = useState(server.reviewChangedTools);
  const [replaceHeaders, setReplaceHeaders] = useState(false);
  const [rows, setRows] = useState<HeaderRow[]>([]);
  const save = useApiMutation(
    (v: EditInput) => apiFetch<{ server: Server }>(`/api/v1/servers/${server.id}`, { method: "PATCH", body: v }),
    [serverKeys.all],
  );
  return (
    <Card id="edit-server">
      <form
        className="space-y-5 p-5"
        noValidate
        aria-label="Edit server"
        onSubmit={(e) => {
          e.preventDefault();
          const input: EditInput = { name, url, transport, reviewChangedTools: review, ...(replaceHeaders ? { headers: headersOf(rows) } : {}) };
          save.mutate(input, { onSuccess: () => (onDone(), router.refresh()) });
        }}
      >
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-base font-semibold text-zinc-900">Edit server</h2>
          <p className="text-xs text-zinc-500">Saving does not sync; use Sync afterwards to list the tools again.</p>
        </div>
        <div className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_1fr]">
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={save.fields.name} autoComplete="off" />
          <TextField
            label="MCP URL"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={save.fields.url}
            spellCheck={false}
            autoComplete="off"
            hint={privateAllowed ? "Private and loopback addresses are allowed on this Toolgate (TOOLGATE_ALLOW_PRIVATE_UPSTREAMS)." : undefined}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2 sm:items-start">
          <SelectField label="Transport" value={transport} onChange={(e) => setTransport(e.target.value as Transport)} options={TRANSPORT_OPTIONS} error={save.fields.transport} />
          <ReviewCheckbox checked={review} onChange={setReview} />
        </div>
        <div className="rounded-md bg-zinc-50 p-4 ring-1 ring-zinc-200 ring-inset">
          <div className="flex gap-3">
            <input
              id="replace-headers"
              type="checkbox"
              checked={replaceHeaders}
              onChange={(e) => setReplaceHeaders(e.target.checked)}
              className="mt-0.5 size-4 shrink-0 accent-brand-600"
            />
            <div>
              <label htmlFor="replace-headers" className="text-sm font-medium text-zinc-800">
                Replace the authentication headers
              </label>
              <p className="text-xs text-zinc-500">
                Stored now: {server.headerNames.length ? <span className="font-mono">{server.headerNames.join(", ")}</span> : "none"}. Values cannot be shown; enter the complete new set (leave it empty to remove them all).
              </p>
            </div>
          </div>
          {replaceHeaders && (
            <div className="mt-4">
              <HeaderRows rows={rows} onChange={setRows} errors={headerErrors(save.fields)} legend="New headers" />
            </div>
          )}
        </div>
        {save.errorMessage && <Alert tone="error">{save.errorMessage}</Alert>}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" busy={save.isPending}>
            Save changes
          </Button>
          <Button type="button" variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
