"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";
import { TextField, SelectField } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { useFreshFieldErrors } from "@/lib/client/fresh-field-errors";
import { HeaderRows, SecretRows, headerErrors, headersOf, recordErrors, type HeaderRow } from "./header-rows";
import { ReviewCheckbox } from "./add-server-form";
import { SyncStatus, SYNC_KIND_LABELS } from "./sync-status";
import { useSyncServer } from "./sync-outcome";
import { plural } from "./format";
import { ConnectorBadge, useLiveServer } from "./connector";
import { joinWords } from "./shell-words";
import { CommandFields, ENV_ROWS, ProcessFields, commandBody, processSettingsBody, type CommandSettings, type ProcessSettings } from "./process-fields";
import { PROCESS_MODE_LABELS, serverKeys, TRANSPORT_LABELS, TRANSPORT_OPTIONS, type CreateSync, type Server, type Transport } from "./types";

interface Props {
  initial: Server;
  gatewayUrl: string;
  canWrite: boolean;
  privateAllowed: boolean;
}

export function ServerHeader({ initial, gatewayUrl, canWrite, privateAllowed }: Props) {
  const router = useRouter();
  const qc = useQueryClient();
  // A connector's badge follows it coming and going.
  const server = useLiveServer(initial.id, initial, initial.kind === "connector").data ?? initial;
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
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4 md:flex-nowrap">
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="text-2xl font-semibold tracking-tight break-all text-zinc-900">{server.name}</h1>
              <SyncStatus lastSyncAt={server.lastSyncAt} lastSyncError={server.lastSyncError} />
              {server.kind === "url" && <Badge>{TRANSPORT_LABELS[server.transport]}</Badge>}
              {server.kind === "command" && <Badge tone="brand">Command · stdio</Badge>}
              {server.kind === "connector" && <Badge tone="brand">Connector</Badge>}
              {server.kind === "connector" && <ConnectorBadge status={server.connector} withHeartbeat />}
            </div>
            <p className="mt-1 font-mono text-sm break-all text-zinc-600">{whereOf(server)}</p>
          </div>
          {canWrite && (
            <div className="flex shrink-0 flex-wrap gap-2">
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
            {canWrite && FIX_HINT[server.kind]}
          </Alert>
        )
      )}
      {editing && canWrite && <EditServer server={server} privateAllowed={privateAllowed} onDone={() => setEditing(false)} />}
      <Card className={cn("grid gap-x-6 gap-y-4 p-5", server.kind === "url" && "md:grid-cols-[minmax(0,1fr)_minmax(0,16rem)]")}>
        <div className="min-w-0">
          <CopyField label="Gateway URL" value={gatewayUrl} />
          <p className="mt-1.5 text-xs text-zinc-500">Agents connect here with a grant token; Toolgate applies the policy and forwards allowed calls to the server.</p>
        </div>
        <Details server={server} />
      </Card>
    </div>
  );
}

const FIX_HINT: Record<Server["kind"], string> = {
  url: " Fix the URL or the headers with Edit, then Sync.",
  command: " Check the command and its environment with Edit and the Logs under Processes & logs, then Sync.",
  connector: " Is the connector online? Then Sync again.",
};

/** The line under the server's name: its URL, its command line, or its connector. */
function whereOf(server: Server): string {
  if (server.kind === "command") return joinWords([server.command ?? "", ...server.args]);
  if (server.kind === "connector") return server.connector?.command ? `via connector: ${server.connector.command}` : "via connector (toolgate connect)";
  return server.url ?? "";
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-zinc-900">{children}</dd>
    </div>
  );
}

/** Names of sealed headers or variables: their values are never shown. */
function SecretNames({ names }: { names: string[] }) {
  if (!names.length) return <>None</>;
  return (
    <span className="font-mono break-all" title="Values are stored encrypted and never shown">
      {names.join(", ")}
    </span>
  );
}

/** What the server is: credentials for a URL server; environment, directory and process limits for the others. */
function Details({ server }: { server: Server }) {
  const review = <Detail label="Tool review">{server.reviewChangedTools ? "New or changed tools wait for review" : "Off"}</Detail>;
  if (server.kind === "url")
    return (
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm md:grid-cols-1">
        <Detail label="Upstream auth">
          <SecretNames names={server.headerNames} />
        </Detail>
        {review}
      </dl>
    );
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm sm:grid-cols-3 xl:grid-cols-6" aria-label="Process settings">
      {server.kind === "command" && (
        <>
          <Detail label="Environment">
            <SecretNames names={server.envNames} />
          </Detail>
          <Detail label="Working directory">{server.cwd ? <span className="font-mono break-all">{server.cwd}</span> : "Default"}</Detail>
        </>
      )}
      <Detail label="Processes">{PROCESS_MODE_LABELS[server.processMode]}</Detail>
      <Detail label="Idle timeout">{server.idleTimeoutSeconds} s</Detail>
      <Detail label="Max processes">{server.maxProcesses}</Detail>
      {review}
    </dl>
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

type EditInput = { name: string; reviewChangedTools: boolean } & Record<string, unknown>;

function EditServer({ server, privateAllowed, onDone }: { server: Server; privateAllowed: boolean; onDone: () => void }) {
  const router = useRouter();
  const [name, setName] = useState(server.name);
  const [url, setUrl] = useState(server.url ?? "");
  const [transport, setTransport] = useState<Transport>(server.transport);
  const [review, setReview] = useState(server.reviewChangedTools);
  const [cmd, setCmd] = useState<CommandSettings>({ command: server.command ?? "", argsLine: joinWords(server.args), env: [], cwd: server.cwd ?? "" });
  const [proc, setProc] = useState<ProcessSettings>({ processMode: server.processMode, idleTimeoutSeconds: String(server.idleTimeoutSeconds), maxProcesses: String(server.maxProcesses) });
  // Headers (URL servers) or environment variables (command servers): replaced as a whole, or left alone.
  const [replaceSecrets, setReplaceSecrets] = useState(false);
  const [rows, setRows] = useState<HeaderRow[]>([]);
  const save = useApiMutation(
    (v: EditInput) => apiFetch<{ server: Server }>(`/api/v1/servers/${server.id}`, { method: "PATCH", body: v }),
    [serverKeys.all],
  );

  const { fields, sent } = useFreshFieldErrors(save.fields, { name, url, transport, headers: rows, env: rows, command: cmd.command, args: cmd.argsLine, cwd: cmd.cwd, ...proc });

  function input(): EditInput {
    const common = { name, reviewChangedTools: review };
    if (server.kind === "url") return { ...common, url, transport, ...(replaceSecrets ? { headers: headersOf(rows) } : {}) };
    if (server.kind === "connector") return { ...common, ...processSettingsBody(proc) };
    const { env, ...command } = commandBody({ ...cmd, env: rows });
    return { ...common, ...command, ...(replaceSecrets ? { env } : {}), ...processSettingsBody(proc) };
  }

  const replace =
    server.kind === "connector" ? null : (
      <ReplaceSecrets
        checked={replaceSecrets}
        onChange={setReplaceSecrets}
        title={server.kind === "url" ? "Replace the authentication headers" : "Replace the environment variables"}
        stored={server.kind === "url" ? server.headerNames : server.envNames}
      >
        {server.kind === "url" ? (
          <HeaderRows rows={rows} onChange={setRows} errors={headerErrors(fields)} legend="New headers" />
        ) : (
          <SecretRows {...ENV_ROWS} rows={rows} onChange={setRows} errors={recordErrors(fields, "env")} legend="New environment variables" />
        )}
      </ReplaceSecrets>
    );

  return (
    <Card id="edit-server">
      <form
        className="space-y-5 p-5"
        noValidate
        aria-label="Edit server"
        onSubmit={(e) => {
          e.preventDefault();
          sent();
          save.mutate(input(), { onSuccess: () => (onDone(), router.refresh()) });
        }}
      >
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-base font-semibold text-zinc-900">Edit server</h2>
          <p className="text-xs text-zinc-500">
            Saving does not sync; use Sync afterwards to list the tools again.
            {server.kind !== "url" && " Changing how the process runs stops the running ones."}
          </p>
        </div>
        {server.kind === "url" ? (
          <>
            <div className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_1fr]">
              <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} autoComplete="off" />
              <TextField
                label="MCP URL"
                type="url"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                error={fields.url}
                spellCheck={false}
                autoComplete="off"
                hint={privateAllowed ? "Private and loopback addresses are allowed on this Toolgate (TOOLGATE_ALLOW_PRIVATE_UPSTREAMS)." : undefined}
              />
            </div>
            <div className="grid gap-4 sm:grid-cols-2 sm:items-start">
              <SelectField label="Transport" value={transport} onChange={(e) => setTransport(e.target.value as Transport)} options={TRANSPORT_OPTIONS} error={fields.transport} />
              <ReviewCheckbox checked={review} onChange={setReview} />
            </div>
            {replace}
          </>
        ) : (
          <>
            <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} autoComplete="off" className="max-w-md" />
            {server.kind === "command" && <CommandFields value={cmd} onChange={setCmd} fields={fields} allowlist={null} envEditor={replace} />}
            <ProcessFields value={proc} onChange={setProc} fields={fields} />
            <ReviewCheckbox checked={review} onChange={setReview} inline />
          </>
        )}
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

/** Stored secrets cannot be shown: the person chooses to enter a complete new set, or leaves them as they are. */
function ReplaceSecrets({ checked, onChange, title, stored, children }: { checked: boolean; onChange: (v: boolean) => void; title: string; stored: string[]; children: React.ReactNode }) {
  const id = useId();
  return (
    <div className="rounded-md bg-zinc-50 p-4 ring-1 ring-zinc-200 ring-inset">
      <div className="flex gap-3">
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} className="mt-0.5 size-4 shrink-0 accent-brand-600" />
        <div>
          <label htmlFor={id} className="text-sm font-medium text-zinc-800">
            {title}
          </label>
          <p className="text-xs text-zinc-500">
            Stored now: {stored.length ? <span className="font-mono">{stored.join(", ")}</span> : "none"}. Values cannot be shown; enter the complete new set (leave it empty to remove them all).
          </p>
        </div>
      </div>
      {checked && <div className="mt-4">{children}</div>}
    </div>
  );
}
