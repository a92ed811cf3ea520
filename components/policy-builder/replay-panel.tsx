"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";
import { apiFetch } from "@/lib/client/api";
import { apiFetchDetailed, policyErrorsOf } from "@/lib/client/api-details";
import type { ReplayResponse } from "@/lib/policies/replay-run";
import type { ChangeCounts, ChangedCall, Outcome } from "@/lib/policies/replay";

const PERIODS = [1, 3, 7, 14, 30] as const;
const ROWS_SHOWN = 8;
const nf = new Intl.NumberFormat("en-US");
const n = (v: number) => nf.format(v);

/** The change columns, in the order people read them; `key` is the count, `tone` its colour. */
const CHANGES = [
  { key: "newlyDenied", label: "Newly denied", short: "Denied", tone: "text-red-700", dot: "bg-red-500" },
  { key: "newlyHidden", label: "Newly hidden", short: "Hidden", tone: "text-zinc-800", dot: "bg-zinc-600" },
  { key: "newlyRateLimited", label: "Rate limited", short: "Rate limited", tone: "text-orange-700", dot: "bg-orange-500" },
  { key: "newlyRequiringApproval", label: "Need approval", short: "Approval", tone: "text-amber-800", dot: "bg-amber-400" },
  { key: "newlyAllowed", label: "Newly allowed", short: "Allowed", tone: "text-emerald-700", dot: "bg-emerald-500" },
  { key: "undetermined", label: "Undetermined", short: "Undetermined", tone: "text-sky-800", dot: "bg-sky-500" },
] as const satisfies readonly { key: keyof ChangeCounts; label: string; short: string; tone: string; dot: string }[];

const EFFECT_LABEL: Record<string, { label: string; tone: string }> = {
  allow: { label: "allowed", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  deny: { label: "denied", tone: "bg-red-50 text-red-800 ring-red-200" },
  hide: { label: "hidden", tone: "bg-zinc-100 text-zinc-800 ring-zinc-300" },
  rate_limited: { label: "rate limited", tone: "bg-orange-50 text-orange-800 ring-orange-200" },
  require_approval: { label: "needs approval", tone: "bg-amber-50 text-amber-900 ring-amber-200" },
};

type Grant = { id: string; label: string; serverId: string; revokedAt?: string | null };

/**
 * Replay: runs a draft against the calls recorded in the last N days and shows what would
 * change, before it is published (POST /api/v1/servers/{id}/policy/replay).
 */
export function ReplayPanel({ serverId, draft }: { serverId: string; draft: unknown }) {
  const id = useId();
  const [days, setDays] = useState(7);
  const [grantId, setGrantId] = useState("");
  const grants = useQuery({
    queryKey: ["replay-grants", serverId],
    queryFn: () => apiFetch<{ grants?: Grant[]; items?: Grant[] }>(`/api/v1/grants?serverId=${encodeURIComponent(serverId)}`).then((r) => r.items ?? r.grants ?? []),
  });
  const replay = useMutation({
    mutationFn: (v: { policy: unknown; days: number; grantId: string; sent: string }) =>
      apiFetchDetailed<ReplayResponse>(`/api/v1/servers/${serverId}/policy/replay`, { body: { policy: v.policy, days: v.days, ...(v.grantId ? { grantId: v.grantId } : {}) } }),
  });
  const draftKey = useMemo(() => (draft === undefined ? null : JSON.stringify(draft)), [draft]);
  const stale = replay.data !== undefined && replay.variables?.sent !== draftKey;
  const draftErrors = policyErrorsOf(replay.error);

  function run(e: React.FormEvent) {
    e.preventDefault();
    if (draftKey === null) return;
    replay.mutate({ policy: draft, days, grantId, sent: draftKey });
  }

  const result = replay.data;
  return (
    <Card role="region" aria-labelledby={`${id}-title`} data-testid="replay-panel">
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-5 py-4">
        <div>
          <h2 id={`${id}-title`} className="text-base font-semibold text-zinc-900">
            Replay recorded traffic
          </h2>
          <p className="mt-0.5 max-w-2xl text-sm text-zinc-600">
            Run the draft against the calls the gateway recorded and see what would change before you publish. Rate limits are counted at each call&apos;s recorded time.
          </p>
        </div>
      </div>
      <form className="flex flex-wrap items-end gap-3 border-b border-zinc-100 px-5 py-4" onSubmit={run} noValidate>
        <div>
          <label htmlFor={`${id}-days`} className="mb-1.5 block text-sm font-medium text-zinc-800">
            Period
          </label>
          <select id={`${id}-days`} value={days} onChange={(e) => setDays(Number(e.target.value))} className={SELECT}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                Last {d === 1 ? "24 hours" : `${d} days`}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-48">
          <label htmlFor={`${id}-grant`} className="mb-1.5 block text-sm font-medium text-zinc-800">
            Grant
          </label>
          <select id={`${id}-grant`} value={grantId} onChange={(e) => setGrantId(e.target.value)} className={cn(SELECT, "w-full")}>
            <option value="">All grants</option>
            {(grants.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.label}
                {g.revokedAt ? " (revoked)" : ""}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" busy={replay.isPending} disabled={draftKey === null}>
          {replay.isPending ? "Replaying…" : result ? "Replay again" : "Replay draft"}
        </Button>
        {draftKey === null && <p className="w-full text-xs font-medium text-red-700">The draft has errors: fix them to replay.</p>}
      </form>

      <div className="space-y-4 px-5 py-4" aria-live="polite" aria-busy={replay.isPending}>
        {replay.isPending && (
          <div role="status" className="flex items-center gap-3 text-sm text-zinc-700">
            <span className="size-4 animate-spin rounded-full border-2 border-brand-600 border-t-transparent" aria-hidden />
            Replaying the calls of the last {days === 1 ? "24 hours" : `${days} days`} under the draft…
          </div>
        )}
        {!replay.isPending && draftErrors.length > 0 && (
          <Alert tone="error">
            <p className="font-medium">The draft has {draftErrors.length === 1 ? "an error" : `${draftErrors.length} errors`}: fix {draftErrors.length === 1 ? "it" : "them"} to replay.</p>
            <ul className="mt-1 space-y-0.5 font-mono text-xs">
              {draftErrors.slice(0, 5).map((e) => (
                <li key={`${e.path}:${e.message}`}>
                  {e.path || "/"}: {e.message}
                </li>
              ))}
            </ul>
          </Alert>
        )}
        {!replay.isPending && replay.error && draftErrors.length === 0 && <Alert tone="error">Replay failed: {replay.error.message}</Alert>}
        {!replay.isPending && !result && !replay.error && (
          <p className="text-sm text-zinc-500">Choose a period and replay: nothing is published and the gateway&apos;s counters are not touched.</p>
        )}
        {result && !replay.isPending && <ReplayResultView result={result} stale={stale} />}
      </div>
    </Card>
  );
}

const SELECT =
  "block rounded-md border-0 bg-white py-2 pr-8 pl-3 text-sm text-zinc-900 ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 focus:outline-none";

function periodText(days: number) {
  return days === 1 ? "the last 24 hours" : `the last ${days} days`;
}

/** "Of 1,234 calls in the last 7 days, 56 would now be denied, 3 newly allowed…" */
export function summarize(r: Pick<ReplayResponse, "totals" | "period" | "capped" | "grantId" | "byGrant">): string {
  const t = r.totals;
  const scope = r.grantId ? ` by ${r.byGrant[0]?.label ?? "this grant"}` : "";
  const where = r.capped ? `the most recent ${n(t.calls)} calls${scope}` : `${n(t.calls)} ${t.calls === 1 ? "call" : "calls"}${scope} in ${periodText(r.period.days)}`;
  const parts: string[] = [];
  if (t.newlyDenied) parts.push(`${n(t.newlyDenied)} would now be denied`);
  if (t.newlyHidden) parts.push(`${n(t.newlyHidden)} hidden`);
  if (t.newlyRateLimited) parts.push(`${n(t.newlyRateLimited)} rate limited`);
  if (t.newlyRequiringApproval) parts.push(`${n(t.newlyRequiringApproval)} would need approval`);
  if (t.newlyAllowed) parts.push(`${n(t.newlyAllowed)} newly allowed`);
  const undetermined = t.undetermined ? ` ${n(t.undetermined)} depend on argument values that were not recorded.` : "";
  if (!parts.length) return `Of ${where}, none would change${t.undetermined ? " for certain" : ""}.${undetermined}`;
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return `Of ${where}, ${list}; ${n(t.unchanged)} unchanged.${undetermined}`;
}

function ReplayResultView({ result, stale }: { result: ReplayResponse; stale: boolean }) {
  const t = result.totals;
  const notes = resultNotes(result);
  if (t.calls === 0) {
    return (
      <div className="rounded-md border-2 border-dashed border-zinc-200 px-6 py-10 text-center" data-testid="replay-empty">
        <p className="text-sm font-semibold text-zinc-900">No calls recorded in {periodText(result.period.days)}</p>
        <p className="mt-1 text-sm text-zinc-600">
          {result.grantId ? "This grant made no tool calls on this server in that period." : "Once agents call tools through the gateway, replay shows what this draft would change for them."}
        </p>
        {notes.length > 0 && <Notes notes={notes} className="mx-auto mt-3 max-w-xl text-left" />}
      </div>
    );
  }
  const shown = CHANGES.filter((c) => c.key !== "newlyHidden" || t.newlyHidden > 0).filter((c) => c.key !== "undetermined" || t.undetermined > 0);
  return (
    <div className="space-y-5" data-testid="replay-result">
      {stale && <Alert tone="warning">The draft changed since this replay: run it again to see the effect of your latest edits.</Alert>}
      <p className="text-base leading-7 text-zinc-900" data-testid="replay-summary">
        {summarize(result)}
      </p>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-[repeat(auto-fit,minmax(9rem,1fr))]">
        {shown.map((c) => (
          <Stat key={c.key} label={c.label} value={t[c.key]} tone={t[c.key] > 0 ? c.tone : "text-zinc-400"} dot={c.dot} testId={`replay-${c.key}`} />
        ))}
        <Stat label="Unchanged" value={t.unchanged} tone="text-zinc-900" dot="bg-zinc-300" testId="replay-unchanged" />
      </dl>
      {notes.length > 0 && <Notes notes={notes} />}
      <div className="space-y-5">
        <CountsTable
          caption="By tool"
          rows={result.byTool.map((r) => ({ key: r.tool, name: r.tool, mono: true, counts: r }))}
          more={result.otherRows.tools}
          columns={shown}
        />
        <CountsTable
          caption="By grant"
          rows={result.byGrant.map((r) => ({ key: r.grantId ?? "none", name: r.label ?? r.grantId ?? "no grant", mono: false, counts: r }))}
          more={result.otherRows.grants}
          columns={shown}
        />
      </div>
      <Samples samples={result.samples} changed={t.changed + t.undetermined} />
      <p className="text-xs text-zinc-500">
        {n(result.eventsRead)} recorded calls read{result.warmupEvents ? `, plus ${n(result.warmupEvents)} earlier ones to fill day-long rate-limit windows` : ""}, in {n(result.durationMs)} ms. Compared with what
        the gateway decided at the time{result.publishedVersion !== null ? ` (version ${result.publishedVersion} is published now)` : ""}.
      </p>
    </div>
  );
}

function resultNotes(r: ReplayResponse): string[] {
  const notes: string[] = [];
  if (r.capped) notes.push(`The period held more than ${n(r.maxEvents)} calls: only the most recent ${n(r.maxEvents)}, since ${new Date(r.countedFrom).toLocaleString()}, were replayed.`);
  if (r.argsNotRecorded > 0)
    notes.push(
      `${n(r.argsNotRecorded)} ${r.argsNotRecorded === 1 ? "call was" : "calls were"} recorded without argument values (the organization keeps only argument names). ${
        r.totals.undetermined ? `For ${n(r.totals.undetermined)} of them the draft's outcome depends on those values, so they are counted as undetermined, not guessed.` : "The draft's outcome for them does not depend on the values."
      }`,
    );
  if (r.olderVersion > 0) notes.push(`${n(r.olderVersion)} ${r.olderVersion === 1 ? "call was" : "calls were"} decided by an earlier policy version than the published one.`);
  if (r.skipped.ownPolicy > 0) notes.push(`${n(r.skipped.ownPolicy)} ${r.skipped.ownPolicy === 1 ? "call" : "calls"} by grants with their own policy left out: this draft does not govern them.`);
  if (r.skipped.outsidePolicy > 0)
    notes.push(`${n(r.skipped.outsidePolicy)} ${r.skipped.outsidePolicy === 1 ? "call" : "calls"} denied outside the policy (a tool awaiting review, a store unavailable) left out.`);
  return notes;
}

function Notes({ notes, className }: { notes: string[]; className?: string }) {
  return (
    <ul className={cn("space-y-1 rounded-md bg-zinc-50 px-4 py-3 text-xs leading-5 text-zinc-700 ring-1 ring-zinc-200 ring-inset", className)} aria-label="About this replay">
      {notes.map((note) => (
        <li key={note} className="flex gap-2">
          <span aria-hidden className="mt-2 size-1 shrink-0 rounded-full bg-zinc-400" />
          {note}
        </li>
      ))}
    </ul>
  );
}

function Stat({ label, value, tone, dot, testId }: { label: string; value: number; tone: string; dot: string; testId: string }) {
  return (
    <div className="rounded-md px-3 py-2.5 ring-1 ring-zinc-200 ring-inset">
      <dt className="flex items-center gap-1.5 text-xs font-medium text-zinc-600">
        <span aria-hidden className={cn("size-2 rounded-full", dot)} />
        {label}
      </dt>
      <dd className={cn("mt-1 text-2xl font-semibold tabular-nums", tone)} data-testid={testId}>
        {n(value)}
      </dd>
    </div>
  );
}

type Column = (typeof CHANGES)[number];

function CountsTable({ caption, rows, more, columns }: { caption: string; rows: { key: string; name: string; mono: boolean; counts: ChangeCounts }[]; more: number; columns: readonly Column[] }) {
  const [all, setAll] = useState(false);
  const visible = all ? rows : rows.slice(0, ROWS_SHOWN);
  return (
    <div className="min-w-0">
      <div className="overflow-x-auto rounded-md ring-1 ring-zinc-200">
        <table className="min-w-full text-sm">
          <caption className="bg-zinc-50 px-3 py-2 text-left text-sm font-semibold text-zinc-900">{caption}</caption>
          <thead className="bg-zinc-50 text-xs text-zinc-600">
            <tr className="border-y border-zinc-200">
              <th scope="col" className="px-3 py-2 text-left font-medium">
                {caption === "By tool" ? "Tool" : "Grant"}
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Calls
              </th>
              {columns.map((c) => (
                <th key={c.key} scope="col" className="px-3 py-2 text-right font-medium whitespace-nowrap">
                  {c.short}
                </th>
              ))}
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Unchanged
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {visible.map((r) => (
              <tr key={r.key}>
                <th scope="row" className={cn("max-w-56 truncate px-3 py-2 text-left font-medium text-zinc-900", r.mono && "font-mono text-xs")} title={r.name}>
                  {r.name}
                </th>
                <td className="px-3 py-2 text-right text-zinc-700 tabular-nums">{n(r.counts.calls)}</td>
                {columns.map((c) => (
                  <td key={c.key} className={cn("px-3 py-2 text-right tabular-nums", r.counts[c.key] > 0 ? cn("font-semibold", c.tone) : "text-zinc-300")}>
                    {r.counts[c.key] > 0 ? n(r.counts[c.key]) : "–"}
                  </td>
                ))}
                <td className="px-3 py-2 text-right text-zinc-500 tabular-nums">{n(r.counts.unchanged)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(rows.length > ROWS_SHOWN || more > 0) && (
        <p className="mt-1.5 text-xs text-zinc-500">
          {rows.length > ROWS_SHOWN && (
            <button type="button" className="font-medium text-brand-700 underline-offset-2 hover:underline" onClick={() => setAll(!all)}>
              {all ? "Show fewer" : `Show all ${n(rows.length)}`}
            </button>
          )}
          {more > 0 && ` · ${n(more)} more with fewer changes are in the totals only`}
        </p>
      )}
    </div>
  );
}

function Samples({ samples, changed }: { samples: ChangedCall[]; changed: number }) {
  if (samples.length === 0) return null;
  return (
    <details className="group rounded-md ring-1 ring-zinc-200" data-testid="replay-samples">
      <summary className="cursor-pointer list-none px-4 py-3 text-sm font-medium text-zinc-900 hover:bg-zinc-50">
        <span className="mr-1.5 inline-block text-zinc-400 transition-transform group-open:rotate-90" aria-hidden>
          ▸
        </span>
        Changed calls: {n(samples.length)} {samples.length < changed ? `examples of ${n(changed)}` : samples.length === 1 ? "call" : "calls"}
      </summary>
      <ol className="divide-y divide-zinc-100 border-t border-zinc-200" aria-label="Changed calls">
        {samples.map((s) => (
          <li key={s.id} className="grid gap-1 px-4 py-3 sm:grid-cols-[11rem_minmax(0,1fr)]">
            <div className="text-xs text-zinc-500 tabular-nums">
              <time dateTime={s.time}>{new Date(s.time).toLocaleString()}</time>
              <div className="truncate" title={s.grantId ?? undefined}>
                {s.grantLabel ?? s.grantId ?? "no grant"}
              </div>
            </div>
            <div className="min-w-0 space-y-1">
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <code className="font-mono text-xs font-semibold text-zinc-900">{s.tool}</code>
                <EffectPill outcome={s.before} />
                <span aria-label="becomes" className="text-zinc-400">
                  →
                </span>
                <EffectPill outcome={s.after} />
                {s.otherwise && (
                  <>
                    <span className="text-xs text-zinc-500">or</span>
                    <EffectPill outcome={s.otherwise} />
                  </>
                )}
                {s.change === "undetermined" && <span className="rounded bg-sky-50 px-1.5 py-0.5 text-xs font-medium text-sky-800 ring-1 ring-sky-200 ring-inset">arguments not recorded</span>}
              </div>
              {s.after.rule && (
                <p className="text-xs text-zinc-600">
                  Draft rule <code className="rounded bg-zinc-100 px-1 font-mono break-all">{s.after.rule}</code>
                  {s.after.effect !== "allow" && s.after.message ? <span className="text-zinc-700">: {s.after.message}</span> : null}
                </p>
              )}
              {s.otherwise && (
                <p className="text-xs text-zinc-600">
                  Or, if its arguments fail{" "}
                  {s.otherwise.rule ? <code className="rounded bg-zinc-100 px-1 font-mono break-all">{s.otherwise.rule}</code> : "the draft's checks"}: {EFFECT_LABEL[s.otherwise.effect]?.label ?? s.otherwise.effect}
                </p>
              )}
            </div>
          </li>
        ))}
      </ol>
    </details>
  );
}

function EffectPill({ outcome }: { outcome: Outcome }) {
  const e = EFFECT_LABEL[outcome.effect] ?? { label: outcome.effect, tone: "bg-zinc-100 text-zinc-800 ring-zinc-300" };
  return <span className={cn("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", e.tone)}>{e.label}</span>;
}
