"use client";

import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Card, CardHeader } from "@/components/ui/card";
import { TextField, SelectField } from "@/components/ui/field";
import { Button, ButtonLink } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { useFreshFieldErrors } from "@/lib/client/fresh-field-errors";
import { SERVER_CATALOG, type CatalogEntry } from "./catalog";
import { HeaderRows, headerErrors, headersOf, newHeaderRow, type HeaderRow } from "./header-rows";
import { SyncOutcome, type Outcome } from "./sync-outcome";
import { hostOf } from "./format";
import { KindPicker } from "./kind-picker";
import { CommandFields, ProcessFields, commandBody, processSettingsBody, DEFAULT_PROCESS_SETTINGS, EMPTY_COMMAND, type CommandSettings, type ProcessSettings } from "./process-fields";
import { ConnectorKeyReveal } from "./connector";
import { serverKeys, TRANSPORT_OPTIONS, type CreateSync, type Server, type ServerKind, type ServerKinds, type Transport } from "./types";
import { cn } from "@/components/ui/cn";

type CreateInput = { name: string; reviewChangedTools: boolean } & (
  | { kind: "url"; url: string; transport: Transport; headers: Record<string, string> }
  | ({ kind: "command" } & ReturnType<typeof commandBody> & ReturnType<typeof processSettingsBody>)
  | ({ kind: "connector" } & ReturnType<typeof processSettingsBody>)
);

interface Created {
  server: Server;
  sync: CreateSync;
  connectorKey?: { id: string; prefix: string; secret: string };
}

export function useServerKinds() {
  return useQuery({ queryKey: serverKeys.kinds, queryFn: () => apiFetch<ServerKinds>("/api/v1/servers/kinds"), staleTime: 60_000 });
}

export function AddServerForm({ privateAllowed, publicUrl, onClose, onCreated }: { privateAllowed: boolean; publicUrl: string; onClose?: () => void; onCreated?: () => void }) {
  const kinds = useServerKinds();
  const [kind, setKind] = useState<ServerKind>("url");
  const [cmd, setCmd] = useState<CommandSettings>(EMPTY_COMMAND);
  const [proc, setProc] = useState<ProcessSettings>(DEFAULT_PROCESS_SETTINGS);
  const [connector, setConnector] = useState<{ server: Server; secret: string } | null>(null);
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [transport, setTransport] = useState<Transport>("auto");
  const [review, setReview] = useState(true);
  const [rows, setRows] = useState<HeaderRow[]>([]);
  const [picked, setPicked] = useState<CatalogEntry | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [connectingTo, setConnectingTo] = useState("");
  const create = useApiMutation((v: CreateInput) => apiFetch<Created>("/api/v1/servers", { body: v }), [serverKeys.all]);

  function pick(entry: CatalogEntry) {
    setPicked(entry);
    setName(entry.name);
    setUrl(entry.url);
    setTransport(entry.transport);
    setRows(entry.auth ? [newHeaderRow("Authorization", "")] : []);
  }

  const { fields, sent } = useFreshFieldErrors(create.fields, { name, url, transport, headers: rows, command: cmd.command, args: cmd.argsLine, env: cmd.env, cwd: cmd.cwd, ...proc });

  function input(): CreateInput {
    const common = { name, reviewChangedTools: review };
    if (kind === "command") return { ...common, kind, ...commandBody(cmd), ...processSettingsBody(proc) };
    if (kind === "connector") return { ...common, kind, ...processSettingsBody(proc) };
    return { ...common, kind, url, transport, headers: headersOf(rows) };
  }

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setOutcome(null);
    setConnector(null);
    setConnectingTo(kind === "url" ? hostOf(url.trim()) : cmd.command.trim());
    sent();
    create.mutate(input(), {
      onSuccess: (r) => {
        onCreated?.();
        if (r.connectorKey) setConnector({ server: r.server, secret: r.connectorKey.secret });
        else setOutcome({ server: { id: r.server.id, name: r.server.name, kind: r.server.kind }, sync: r.sync });
        // Cleared only once saved: after an error everything typed stays.
        setName("");
        setUrl("");
        setTransport("auto");
        setReview(true);
        setRows([]);
        setPicked(null);
        setCmd(EMPTY_COMMAND);
        setProc(DEFAULT_PROCESS_SETTINGS);
      },
    });
  }

  function changeKind(k: ServerKind) {
    setKind(k);
    create.reset();
  }

  const nameField = (
    <TextField label="Name" name="name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="github" error={fields.name} hint="How the server appears here and in the audit log." autoComplete="off" />
  );

  return (
    <Card id="add-server">
      <CardHeader
        title="Add a server"
        description="Toolgate reaches the server, lists its tools and rates each one. Agents then reach it through Toolgate, never directly."
        actions={
          onClose && (
            <Button variant="ghost" onClick={onClose}>
              Close
            </Button>
          )
        }
      />
      {!connector && (
        <div className="border-b border-zinc-200 px-5 py-4">
          <KindPicker value={kind} onChange={changeKind} kinds={kinds.data} />
        </div>
      )}
      {kind === "url" && !connector && <Catalog picked={picked} onPick={pick} />}
      <form className="space-y-5 p-5" noValidate onSubmit={submit} aria-label="Add a server" hidden={connector !== null}>
        {kind === "url" ? (
          <>
            <div className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_1fr]">
              {nameField}
              <TextField
                label="MCP URL"
                name="url"
                type="url"
                required
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://mcp.example.com/mcp"
                error={fields.url}
                hint="The server's Streamable HTTP (or legacy SSE) endpoint."
                autoComplete="off"
                spellCheck={false}
                className="min-w-0"
              />
            </div>
            <p className="-mt-2 text-xs text-zinc-500">
              {privateAllowed ? (
                <>
                  Private and loopback addresses (<code>localhost</code>, <code>10.x</code>, <code>192.168.x</code>) are allowed on this self-hosted Toolgate, so local servers work. Set <code>TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=false</code> on a shared deployment.
                </>
              ) : (
                <>
                  This Toolgate refuses private, loopback and link-local addresses (<code>TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=false</code>): use a public URL.
                </>
              )}
            </p>
            <HeaderRows rows={rows} onChange={setRows} errors={headerErrors(fields)} />
            <div className="grid gap-4 sm:grid-cols-2 sm:items-start">
              <SelectField label="Transport" name="transport" value={transport} onChange={(e) => setTransport(e.target.value as Transport)} options={TRANSPORT_OPTIONS} error={fields.transport} />
              <ReviewCheckbox checked={review} onChange={setReview} />
            </div>
          </>
        ) : (
          <>
            <div className="max-w-md">{nameField}</div>
            {kind === "command" ? (
              <CommandFields value={cmd} onChange={setCmd} fields={fields} allowlist={kinds.data?.command.mode === "allowlist" ? kinds.data.command.allowlist : null} />
            ) : (
              <p className="text-sm text-zinc-600">
                After saving you get a key and the line to run on the machine where the server lives. It starts the server there and dials out to Toolgate; once it is online, Toolgate lists its tools.
              </p>
            )}
            <ProcessFields value={proc} onChange={setProc} fields={fields} />
            <ReviewCheckbox checked={review} onChange={setReview} inline />
          </>
        )}
        {create.errorMessage && <Alert tone="error">{create.errorMessage}</Alert>}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={create.isPending}>
            {create.isPending ? (kind === "connector" ? "Saving…" : "Connecting…") : "Add server"}
          </Button>
          {create.isPending && kind !== "connector" && (
            <p role="status" className="text-sm text-zinc-600">
              {kind === "url" ? "Saving, then connecting to " : "Saving, then starting "}
              <span className="font-medium">{connectingTo}</span> and listing its tools (up to {kind === "url" ? "15 s" : "a minute"})…
            </p>
          )}
        </div>
      </form>
      {outcome && (
        <div className="border-t border-zinc-200 p-5">
          <SyncOutcome outcome={outcome} onChange={setOutcome} />
        </div>
      )}
      {connector && (
        <div className="p-5">
          <ConnectorKeyReveal
            serverId={connector.server.id}
            secret={connector.secret}
            publicUrl={publicUrl}
            intro={
              <>
                <p className="font-semibold text-zinc-900">{connector.server.name} added: now start the connector</p>
                <p className="mt-0.5">On the machine that runs the server, run the line below. This page turns Online when it dials in.</p>
              </>
            }
          />
          <div className="mt-3 flex flex-wrap gap-2">
            <ButtonLink href={`/servers/${connector.server.id}`} variant="secondary">
              Open the server
            </ButtonLink>
            <Button variant="ghost" onClick={() => setConnector(null)}>
              Add another server
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}

/** Well-known remote servers: a click fills in the name, URL and an Authorization row. */
function Catalog({ picked, onPick }: { picked: CatalogEntry | null; onPick: (c: CatalogEntry) => void }) {
  return (
        <div className="border-b border-zinc-200 px-5 py-4">
          <h3 className="text-sm font-medium text-zinc-800" id="catalog-heading">
            Start from a well-known server
          </h3>
          <p className="mt-0.5 text-xs text-zinc-500">
            Fills in the name and URL. These are run by their vendors and need your own credentials with them (except Cloudflare docs, which is public).
          </p>
          <ul className="mt-3 flex flex-wrap gap-2" aria-labelledby="catalog-heading">
            {SERVER_CATALOG.map((c) => (
              <li key={c.name}>
                <button
                  type="button"
                  onClick={() => onPick(c)}
                  aria-pressed={picked?.name === c.name}
                  title={c.url}
                  className={cn(
                    "rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset transition-colors",
                    picked?.name === c.name ? "bg-brand-50 text-brand-700 ring-brand-500" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50",
                  )}
                >
                  {c.name}
                </button>
              </li>
            ))}
          </ul>
          {picked && (
            <p className="mt-2 text-xs text-zinc-600" role="status">
              <span className="font-medium">{picked.name}:</span> {picked.note}
              {picked.auth ? " — paste it as the Authorization header value below (e.g. Bearer …)." : "."}
            </p>
          )}
        </div>
  );
}

export function ReviewCheckbox({ checked, onChange, inline = false }: { checked: boolean; onChange: (v: boolean) => void; inline?: boolean }) {
  const id = useId();
  return (
    <div className={cn("flex gap-3 rounded-md p-0.5", !inline && "sm:pt-7")}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={`${id}-hint`}
        className="mt-0.5 size-4 shrink-0 rounded border-zinc-300 accent-brand-600"
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-zinc-800">
          Require review of new or changed tools
        </label>
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          A tool that appears or changes its definition after the first sync is denied until a policy manager reviews it.
        </p>
      </div>
    </div>
  );
}
