"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { PolicyDocument } from "@/gateway/policy/schema";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { apiFetchAll } from "@/lib/client/api";
import { apiFetchDetailed, ApiDetailedError } from "@/lib/client/api-details";
import { JsonDiff } from "@/components/servers/json-diff";
import { timeAgo } from "@/components/servers/format";
import { serverKeys, type ServerPolicy } from "@/components/servers/types";
import { prettyPolicy } from "./draft-state";
import { INPUT } from "./rule-fields";
import { LANE_TITLES, type InventoryEntry } from "./model";
import { laneChanges } from "./operations";
import type { SaveStatus } from "./use-draft";

/** A published version as the versions API lists it (`author` where the API gives it). */
interface VersionRow {
  version: number;
  message: string | null;
  createdById: string | null;
  createdAt: string;
  document: unknown;
  author?: { name: string | null; email: string | null } | null;
}

interface Conflict {
  currentVersion: number | null;
  document: unknown;
  message: string | null;
}

const authorOf = (v: VersionRow) => v.author?.name ?? v.author?.email ?? (v.createdById ? "a member" : "an API key");

async function publish(serverId: string, body: { document: unknown; message?: string; baseVersion: number | null }) {
  return apiFetchDetailed<{ policyId: string; version: number }>(`/api/v1/servers/${serverId}/policy`, { method: "PUT", body });
}

/** What is live, the draft's state, and Publish (told, with the difference, when someone published first). */
export function PublishBar({
  serverId,
  policy,
  loading,
  canPublish,
  dirty,
  invalid,
  document,
  baseVersion,
  saveState,
  onPublished,
  onTakeCurrent,
  onRebase,
}: {
  serverId: string;
  policy: ServerPolicy | undefined;
  loading: boolean;
  canPublish: boolean;
  dirty: boolean;
  invalid: boolean;
  document: PolicyDocument;
  text: string;
  baseVersion: number | null;
  saveState: SaveStatus;
  onPublished: (version: number) => void | Promise<void>;
  onTakeCurrent: (doc: PolicyDocument, version: number | null) => void;
  onRebase: (version: number | null) => void;
}) {
  const [message, setMessage] = useState("");
  const [published, setPublished] = useState<number | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const run = useMutation({
    mutationFn: (base: number | null) => publish(serverId, { document, message: message.trim() || undefined, baseVersion: base }),
    onSuccess: async (r) => {
      setPublished(r.version);
      setConflict(null);
      setMessage("");
      await onPublished(r.version);
    },
    onError: (err) => {
      if (err instanceof ApiDetailedError && err.status === 409) setConflict(err.details as Conflict);
    },
  });
  const live = policy?.version ?? null;
  const next = Math.max(live ?? 0, conflict?.currentVersion ?? 0) + 1;

  return (
    <section className="rounded-lg bg-white shadow-sm ring-1 ring-zinc-200" aria-label="Publish">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-3 px-5 py-3.5">
        <div className="min-w-0 flex-1 basis-72">
          {loading ? (
            <p className="text-sm text-zinc-500">Loading the policy…</p>
          ) : live === null ? (
            <p className="text-sm text-amber-900">
              <span className="font-semibold">Nothing is published yet:</span> the gateway denies every call until a version is.
            </p>
          ) : (
            <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-700">
              <span className="inline-flex items-center rounded-full bg-brand-50 px-2.5 py-0.5 text-sm font-semibold text-brand-700 ring-1 ring-brand-100 ring-inset" data-testid="current-version">
                version {live}
              </span>
              <span className="text-zinc-500">live{policy?.publishedAt ? `, published ${timeAgo(policy.publishedAt)}` : ""}</span>
              {policy?.message && <span className="truncate text-zinc-800">“{policy.message}”</span>}
            </p>
          )}
          <p className="mt-1 text-xs text-zinc-500" data-testid="draft-status">
            {!dirty
              ? "The builder holds the live version."
              : invalid
                ? "Unpublished changes, with errors to fix before publishing."
                : `Unpublished changes${baseVersion !== null ? ` to version ${baseVersion}` : ""}.`}
            {canPublish && dirty && <span className="ml-1">{saveState === "saving" ? "Saving the draft…" : saveState === "saved" ? "Draft saved." : saveState === "error" ? "The draft could not be saved." : ""}</span>}
          </p>
        </div>
        {canPublish && (
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              setPublished(null);
              run.mutate(baseVersion);
            }}
          >
            <label className="w-64 text-xs font-medium text-zinc-700">
              Version message
              <input className={cn(INPUT, "mt-0.5")} value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} placeholder="What changed (optional)" />
            </label>
            <Button type="submit" busy={run.isPending} disabled={!dirty || invalid || loading}>
              Publish version {next}
            </Button>
            {dirty && (
              <Button type="button" variant="ghost" onClick={() => onTakeCurrent((policy?.document ?? { version: "1", default: "deny", tools: {} }) as PolicyDocument, live)}>
                Discard changes
              </Button>
            )}
          </form>
        )}
      </div>
      {published !== null && !dirty && (
        <div className="border-t border-zinc-100 px-5 py-2.5">
          <Alert tone="success">
            <span data-testid="published-version">
              Published <span className="font-semibold">version {published}</span>. The gateway enforces it from its next request.
            </span>
          </Alert>
        </div>
      )}
      {run.error && !conflict && (
        <div className="border-t border-zinc-100 px-5 py-2.5">
          <Alert tone="error">{run.error.message}</Alert>
        </div>
      )}
      {conflict && (
        <div className="space-y-3 border-t border-amber-200 bg-amber-50/60 px-5 py-3.5" role="alert" data-testid="publish-conflict">
          <p className="text-sm text-amber-950">
            <span className="font-semibold">Version {conflict.currentVersion} was published while you edited</span> (your changes started from {baseVersion === null ? "no version" : `version ${baseVersion}`}). Nothing was
            published. Below: what is live now (−) against your draft (+).
          </p>
          <JsonDiff before={prettyPolicy(conflict.document)} after={prettyPolicy(document)} label="Live version against your draft" />
          <div className="flex flex-wrap gap-2">
            <Button
              onClick={() => {
                onRebase(conflict.currentVersion);
                run.mutate(conflict.currentVersion);
              }}
            >
              Publish mine as version {(conflict.currentVersion ?? 0) + 1}
            </Button>
            <Button variant="secondary" onClick={() => (onTakeCurrent(conflict.document as PolicyDocument, conflict.currentVersion), setConflict(null))}>
              Discard mine, load version {conflict.currentVersion}
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}

/** Published versions with author and time; any two (or one and the draft) compared; rollback. */
export function VersionsPanel({
  serverId,
  current,
  draft,
  canPublish,
  inventory,
  onLoad,
  onRolledBack,
}: {
  serverId: string;
  current: number | null;
  draft: PolicyDocument;
  canPublish: boolean;
  inventory: InventoryEntry[];
  onLoad: (doc: PolicyDocument) => void;
  onRolledBack: (version: number) => void | Promise<void>;
}) {
  const versions = useQuery({ queryKey: serverKeys.versions(serverId), queryFn: () => apiFetchAll<VersionRow>(`/api/v1/servers/${serverId}/policy/versions`) });
  const list = versions.data ?? [];
  const [from, setFrom] = useState<string>("");
  const [to, setTo] = useState<string>("draft");
  const rollback = useMutation({
    mutationFn: (v: VersionRow) => publish(serverId, { document: v.document, message: `Roll back to version ${v.version}`, baseVersion: current }),
    onSuccess: (r) => onRolledBack(r.version),
  });
  const docOf = (key: string): PolicyDocument | null => (key === "draft" ? draft : ((list.find((v) => String(v.version) === key)?.document as PolicyDocument | undefined) ?? null));
  const fromKey = from || (current !== null ? String(current) : "");
  const a = docOf(fromKey);
  const b = docOf(to);

  return (
    <section className="rounded-lg bg-white shadow-sm ring-1 ring-zinc-200" aria-labelledby="versions-title">
      <div className="border-b border-zinc-200 px-5 py-3">
        <h2 id="versions-title" className="text-base font-semibold text-zinc-900">
          Versions
        </h2>
        <p className="mt-0.5 text-sm text-zinc-600">Every published version is kept. Compare any two, load one into the builder, or roll back to it.</p>
      </div>
      {versions.isPending && <p className="px-5 py-4 text-sm text-zinc-500">Loading versions…</p>}
      {versions.error && <p className="px-5 py-4 text-sm text-red-700">Could not load the versions: {versions.error.message}</p>}
      {list.length === 0 && !versions.isPending && <p className="px-5 py-4 text-sm text-zinc-500">Nothing published yet.</p>}
      {list.length > 0 && (
        <ol className="max-h-80 divide-y divide-zinc-100 overflow-y-auto" aria-label="Policy versions">
          {list.map((v) => (
            <li key={v.version} className="flex flex-wrap items-center justify-between gap-2 px-5 py-2.5">
              <div className="min-w-0 flex-1">
                <div className="flex items-center gap-2 text-sm">
                  <span className="font-semibold text-zinc-900 tabular-nums">v{v.version}</span>
                  {v.version === current && <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200 ring-inset">live</span>}
                  <span className="truncate text-zinc-700">{v.message || <span className="text-zinc-400">No message</span>}</span>
                </div>
                <div className="text-xs text-zinc-500" title={new Date(v.createdAt).toLocaleString()}>
                  {authorOf(v)} · {timeAgo(v.createdAt)}
                </div>
              </div>
              <div className="flex gap-1.5">
                <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => (setFrom(String(v.version)), setTo("draft"))} aria-label={`Compare version ${v.version} with the draft`}>
                  Compare
                </Button>
                <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => onLoad(v.document as PolicyDocument)} aria-label={`Load version ${v.version} into the builder`}>
                  Load
                </Button>
                {canPublish && v.version !== current && (
                  <Button variant="secondary" className="px-2 py-1 text-xs" busy={rollback.isPending && rollback.variables?.version === v.version} onClick={() => rollback.mutate(v)} aria-label={`Roll back to version ${v.version}`}>
                    Roll back
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      {rollback.error && <p className="px-5 py-2 text-sm text-red-700">{rollback.error.message}</p>}
      {rollback.data && <p className="px-5 py-2 text-sm text-emerald-800" data-testid="rolled-back">Rolled back: published as version {rollback.data.version}.</p>}
      {list.length > 0 && (
        <div className="space-y-3 border-t border-zinc-200 px-5 py-4" role="group" aria-label="Compare versions">
          <div className="flex flex-wrap items-end gap-2 text-sm">
            <label className="text-xs font-medium text-zinc-700">
              Compare
              <select className={cn(INPUT, "mt-0.5")} value={fromKey} onChange={(e) => setFrom(e.target.value)} aria-label="Compare from">
                {list.map((v) => (
                  <option key={v.version} value={String(v.version)}>
                    version {v.version}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs font-medium text-zinc-700">
              with
              <select className={cn(INPUT, "mt-0.5")} value={to} onChange={(e) => setTo(e.target.value)} aria-label="Compare with">
                <option value="draft">the draft</option>
                {list.map((v) => (
                  <option key={v.version} value={String(v.version)}>
                    version {v.version}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {a && b && <VersionDiff before={a} after={b} inventory={inventory} />}
        </div>
      )}
    </section>
  );
}

/** Two documents compared: which tools (and operations of multiplexed tools) changed lane, then the JSON line by line. */
function VersionDiff({ before, after, inventory }: { before: PolicyDocument; after: PolicyDocument; inventory: InventoryEntry[] }) {
  const moves = useMemo(
    () => laneChanges(before, after, inventory).map((m) => ({ name: m.name, from: m.from ? LANE_TITLES[m.from] : "—", to: m.to ? LANE_TITLES[m.to] : "—" })),
    [before, after, inventory],
  );
  const a = prettyPolicy(before);
  const b = prettyPolicy(after);
  if (a === b) return <p className="text-sm text-zinc-500">No difference.</p>;
  return (
    <div className="space-y-3">
      {moves.length > 0 ? (
        <table className="w-full text-left text-xs" aria-label="Lane changes">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Tool or operation</th>
              <th className="py-1 font-medium">Lane before</th>
              <th className="py-1 font-medium">Lane after</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {moves.slice(0, 100).map((m) => (
              <tr key={m.name}>
                <td className="py-1 font-mono text-zinc-900">{m.name}</td>
                <td className="py-1 text-zinc-600">{m.from}</td>
                <td className="py-1 font-medium text-zinc-900">{m.to}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-xs text-zinc-500">No tool changed lane; the rules differ in their details.</p>
      )}
      <JsonDiff before={a} after={b} label="Policy difference" />
    </div>
  );
}
