"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/field";
import { apiFetch, apiFetchAll } from "@/lib/client/api";
import { apiFetchDetailed, policyErrorsOf } from "@/lib/client/api-details";
import { laneCounts } from "./apply-recommended";
import { LANE_LABELS } from "./risk";
import { PolicyErrors } from "./policy-errors";
import { locateErrors, parsePolicyText, prettyPolicy, type LocatedError } from "./policy-json";
import { PolicySimulator } from "./policy-simulator";
import { timeAgo } from "./format";
import { serverKeys, type PolicyVersion, type ServerPolicy } from "./types";

const STARTER = prettyPolicy({ version: "1", default: "deny", tools: {} });

/** The server's policy: what is published, a JSON editor to publish the next version, the history, and a call tester. */
export function PolicyPanel({ serverId, canPublish }: { serverId: string; canPublish: boolean }) {
  const qc = useQueryClient();
  const editorRef = useRef<HTMLTextAreaElement>(null);
  const policy = useQuery({ queryKey: serverKeys.policy(serverId), queryFn: () => apiFetch<ServerPolicy>(`/api/v1/servers/${serverId}/policy`) });
  const versions = useQuery({
    queryKey: serverKeys.versions(serverId),
    queryFn: () => apiFetchAll<PolicyVersion>(`/api/v1/servers/${serverId}/policy/versions`),
  });
  const published = policy.data?.document != null ? prettyPolicy(policy.data.document) : null;
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? published ?? STARTER;
  const dirty = text !== (published ?? STARTER);
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<LocatedError[]>([]);
  const [justPublished, setJustPublished] = useState<number | null>(null);

  const publish = useMutation({
    mutationFn: (v: { document: unknown; sent: string }) =>
      apiFetchDetailed<{ policyId: string; version: number }>(`/api/v1/servers/${serverId}/policy`, { method: "PUT", body: { document: v.document, message: message.trim() || undefined } }),
    onSuccess: async (r) => {
      setJustPublished(r.version);
      setErrors([]);
      setMessage("");
      await qc.invalidateQueries({ queryKey: serverKeys.one(serverId) });
      setDraft(null);
    },
    onError: (err, v) => setErrors(locateErrors(v.sent, policyErrorsOf(err))),
  });
  const recommended = useMutation({
    mutationFn: () => apiFetch<{ document: unknown }>(`/api/v1/servers/${serverId}/policy/recommended`),
    onSuccess: (r) => (setDraft(prettyPolicy(r.document)), setErrors([]), setJustPublished(null)),
  });

  function edit(value: string) {
    setDraft(value);
    setJustPublished(null);
  }

  function onPublish(e: React.FormEvent) {
    e.preventDefault();
    setJustPublished(null);
    const parsed = parsePolicyText(text);
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors([]);
    publish.mutate({ document: parsed.document, sent: text });
  }

  function format() {
    const parsed = parsePolicyText(text);
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors([]);
    edit(prettyPolicy(parsed.document));
  }

  /** Puts the caret at an error's line and column. */
  function goTo(err: LocatedError) {
    const el = editorRef.current;
    if (!el || err.line === undefined) return;
    const lines = text.split("\n");
    let offset = 0;
    for (let i = 0; i < err.line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    offset += (err.column ?? 1) - 1;
    el.focus();
    el.setSelectionRange(offset, offset);
  }

  const nextVersion = (policy.data?.version ?? 0) + 1;
  const loadError = policy.error ?? versions.error;

  return (
    <div className="space-y-6">
      {loadError && (
        <Alert tone="error">
          Could not load the policy: {loadError.message}.{" "}
          <button type="button" className="font-medium underline" onClick={() => (policy.refetch(), versions.refetch())}>
            Try again
          </button>
        </Alert>
      )}

      <PublishedSummary policy={policy.data} loading={policy.isPending} />

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card role="region" aria-labelledby="policy-editor-title">
          <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-5 py-4">
            <div>
              <h2 id="policy-editor-title" className="text-base font-semibold text-zinc-900">
                Edit as JSON
              </h2>
              <p className="mt-0.5 text-sm text-zinc-600">
                {canPublish ? "Change the policy and publish it as the next version." : "Only policy managers and admins publish; you can still try drafts in the tester."}
              </p>
            </div>
            {dirty && <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300 ring-inset">unpublished changes</span>}
          </div>
          <form className="space-y-3 p-5" onSubmit={onPublish} noValidate>
            <div className="flex flex-wrap gap-2">
              <Button type="button" variant="secondary" className="py-1.5" onClick={format}>
                Format
              </Button>
              <Button type="button" variant="secondary" className="py-1.5" busy={recommended.isPending} onClick={() => recommended.mutate()}>
                Load recommended
              </Button>
              {dirty && (
                <Button type="button" variant="ghost" className="py-1.5" onClick={() => (setDraft(null), setErrors([]))}>
                  {published ? "Reset to published" : "Reset"}
                </Button>
              )}
            </div>
            {recommended.error && <Alert tone="error">{recommended.error.message}</Alert>}
            <div>
              <label htmlFor="policy-json" className="sr-only">
                Policy JSON
              </label>
              <textarea
                id="policy-json"
                ref={editorRef}
                value={text}
                onChange={(e) => edit(e.target.value)}
                spellCheck={false}
                autoCapitalize="off"
                autoCorrect="off"
                rows={22}
                aria-invalid={errors.length > 0 || undefined}
                aria-describedby={errors.length ? "policy-json-errors" : "policy-json-help"}
                className="block w-full resize-y rounded-md border-0 bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100 ring-1 ring-zinc-800 ring-inset focus:ring-2 focus:ring-brand-500 focus:outline-none"
              />
              {errors.length === 0 && (
                <p id="policy-json-help" className="mt-1.5 text-xs text-zinc-500">
                  The policy language: <code className="font-mono">version</code>, <code className="font-mono">default</code> (allow or deny), and rules per tool under{" "}
                  <code className="font-mono">tools</code>. The whole document is validated before it is stored.
                </p>
              )}
            </div>
            {errors.length > 0 && <PolicyErrors id="policy-json-errors" errors={errors} onSelect={goTo} />}
            {publish.error && errors.length === 0 && <Alert tone="error">{publish.error.message}</Alert>}
            {justPublished !== null && (
              <Alert tone="success">
                <span data-testid="published-version">
                  Published <span className="font-semibold">version {justPublished}</span>. The gateway enforces it from now on.
                </span>
              </Alert>
            )}
            {canPublish && (
              <div className="flex flex-wrap items-end gap-3 border-t border-zinc-100 pt-4">
                <TextField label="Version message" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} placeholder="What changed and why" className="min-w-0 flex-1 basis-56" />
                <Button type="submit" busy={publish.isPending} disabled={!dirty && published !== null} aria-describedby={!dirty && published !== null ? "no-changes" : undefined}>
                  Publish version {nextVersion}
                </Button>
                {!dirty && published !== null && (
                  <p id="no-changes" className="w-full text-xs text-zinc-500">
                    The editor holds the published version: change it to publish a new one.
                  </p>
                )}
              </div>
            )}
          </form>
        </Card>

        <PolicySimulator serverId={serverId} draftText={text} onDraftErrors={setErrors} />
      </div>

      <VersionsList versions={versions.data} loading={versions.isPending} current={policy.data?.version ?? null} onLoad={(v) => (edit(prettyPolicy(v.document)), setErrors([]), editorRef.current?.focus())} />
    </div>
  );
}

function PublishedSummary({ policy, loading }: { policy: ServerPolicy | undefined; loading: boolean }) {
  if (loading) return <div className="h-24 animate-pulse rounded-lg bg-white ring-1 ring-zinc-200" aria-label="Loading the policy" />;
  if (!policy) return null;
  if (policy.version === null) {
    return (
      <Alert tone="warning">
        <span className="font-semibold">No policy is published for this server.</span> Until one is, the gateway denies every tool call. Start from the recommended policy (Load
        recommended below, or Apply recommended policy on the inventory), then publish it.
      </Alert>
    );
  }
  const counts = laneCounts(policy.document);
  const doc = policy.document as { default?: string };
  return (
    <Card role="region" aria-label="Published policy">
      <CardHeader
        title="Published policy"
        actions={
          <span className="inline-flex items-center rounded-full bg-brand-50 px-2.5 py-1 text-sm font-semibold text-brand-700 ring-1 ring-brand-100 ring-inset" data-testid="current-version">
            version {policy.version}
          </span>
        }
      />
      <div className="space-y-3 px-5 py-4">
        <p className="text-sm text-zinc-700">
          {policy.message ? <span className="font-medium text-zinc-900">“{policy.message}”</span> : <span className="text-zinc-500">No message</span>}
          {policy.publishedAt && <span className="text-zinc-500"> · published {timeAgo(policy.publishedAt)}</span>}
        </p>
        <p className="text-xs text-zinc-600">
          Default <code className="font-mono font-semibold">{String(doc.default)}</code> ·{" "}
          {(Object.keys(counts) as (keyof typeof counts)[])
            .filter((l) => counts[l] > 0)
            .map((l) => `${counts[l]} ${LANE_LABELS[l].toLowerCase()}`)
            .join(" · ") || "no tool rules"}
        </p>
        <details>
          <summary className="cursor-pointer text-sm font-medium text-zinc-700 hover:text-zinc-900">Published JSON</summary>
          <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200 ring-inset" tabIndex={0} aria-label={`Policy version ${policy.version}`}>
            {prettyPolicy(policy.document)}
          </pre>
        </details>
      </div>
    </Card>
  );
}

function VersionsList({ versions, loading, current, onLoad }: { versions: PolicyVersion[] | undefined; loading: boolean; current: number | null; onLoad: (v: PolicyVersion) => void }) {
  return (
    <Card>
      <CardHeader title="Versions" description="Every published version is kept. Load one into the editor to publish it again." />
      {loading && <p className="p-5 text-sm text-zinc-500">Loading versions…</p>}
      {versions?.length === 0 && <p className="px-5 py-4 text-sm text-zinc-500">Nothing published yet.</p>}
      {versions && versions.length > 0 && (
        <ol className="divide-y divide-zinc-100" aria-label="Policy versions">
          {versions.map((v) => (
            <li key={v.version} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
              <div className="min-w-0">
                <div className="flex items-center gap-2 text-sm">
                  <span className="font-semibold text-zinc-900 tabular-nums">v{v.version}</span>
                  {v.version === current && <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200 ring-inset">live</span>}
                  <span className="truncate text-zinc-700">{v.message || <span className="text-zinc-400">No message</span>}</span>
                </div>
                <div className="text-xs text-zinc-500" title={new Date(v.createdAt).toLocaleString()}>
                  {new Date(v.createdAt).toLocaleString()} · {timeAgo(v.createdAt)}
                </div>
              </div>
              <Button variant="secondary" className="py-1.5" onClick={() => onLoad(v)} aria-label={`Load version ${v.version} into the editor`}>
                Load into editor
              </Button>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
