"use client";

import { useId, useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { TextField, SelectField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { SERVER_CATALOG, type CatalogEntry } from "./catalog";
import { HeaderRows, headerErrors, headersOf, newHeaderRow, type HeaderRow } from "./header-rows";
import { SyncOutcome, type Outcome } from "./sync-outcome";
import { hostOf } from "./format";
import { serverKeys, TRANSPORT_OPTIONS, type CreateSync, type Server, type Transport } from "./types";
import { cn } from "@/components/ui/cn";

interface CreateInput {
  name: string;
  url: string;
  transport: Transport;
  headers: Record<string, string>;
  reviewChangedTools: boolean;
}

export function AddServerForm({ privateAllowed, onClose, onCreated }: { privateAllowed: boolean; onClose?: () => void; onCreated?: () => void }) {
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [transport, setTransport] = useState<Transport>("auto");
  const [review, setReview] = useState(true);
  const [rows, setRows] = useState<HeaderRow[]>([]);
  const [picked, setPicked] = useState<CatalogEntry | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [connectingTo, setConnectingTo] = useState("");
  const create = useApiMutation((v: CreateInput) => apiFetch<{ server: Server; sync: CreateSync }>("/api/v1/servers", { body: v }), [serverKeys.all]);

  function pick(entry: CatalogEntry) {
    setPicked(entry);
    setName(entry.name);
    setUrl(entry.url);
    setTransport(entry.transport);
    setRows(entry.auth ? [newHeaderRow("Authorization", "")] : []);
  }

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setOutcome(null);
    setConnectingTo(hostOf(url.trim()));
    create.mutate(
      { name, url, transport, headers: headersOf(rows), reviewChangedTools: review },
      {
        onSuccess: (r) => {
          onCreated?.();
          setOutcome({ server: { id: r.server.id, name: r.server.name }, sync: r.sync });
          setName("");
          setUrl("");
          setTransport("auto");
          setReview(true);
          setRows([]);
          setPicked(null);
        },
      },
    );
  }

  return (
    <Card id="add-server">
      <CardHeader
        title="Add a server"
        description="Toolgate connects to the server, lists its tools and rates each one. Agents then reach it through Toolgate, never directly."
        actions={
          onClose && (
            <Button variant="ghost" onClick={onClose}>
              Close
            </Button>
          )
        }
      />
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
                onClick={() => pick(c)}
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
      <form className="space-y-5 p-5" noValidate onSubmit={submit} aria-label="Add a server">
        <div className="grid gap-4 sm:grid-cols-[minmax(0,16rem)_1fr]">
          <TextField label="Name" name="name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="github" error={create.fields.name} hint="How the server appears here and in the audit log." autoComplete="off" />
          <TextField
            label="MCP URL"
            name="url"
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://mcp.example.com/mcp"
            error={create.fields.url}
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
        <HeaderRows rows={rows} onChange={setRows} errors={headerErrors(create.fields)} />
        <div className="grid gap-4 sm:grid-cols-2 sm:items-start">
          <SelectField label="Transport" name="transport" value={transport} onChange={(e) => setTransport(e.target.value as Transport)} options={TRANSPORT_OPTIONS} error={create.fields.transport} />
          <ReviewCheckbox checked={review} onChange={setReview} />
        </div>
        {create.errorMessage && <Alert tone="error">{create.errorMessage}</Alert>}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" busy={create.isPending}>
            {create.isPending ? "Connecting…" : "Add server"}
          </Button>
          {create.isPending && (
            <p role="status" className="text-sm text-zinc-600">
              Saving, then connecting to <span className="font-medium">{connectingTo}</span> and listing its tools (up to 15 s)…
            </p>
          )}
        </div>
      </form>
      {outcome && (
        <div className="border-t border-zinc-200 p-5">
          <SyncOutcome outcome={outcome} onChange={setOutcome} />
        </div>
      )}
    </Card>
  );
}

export function ReviewCheckbox({ checked, onChange }: { checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="flex gap-3 rounded-md p-0.5 sm:pt-7">
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
