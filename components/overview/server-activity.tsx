import Link from "next/link";
import type { RiskLevel } from "@/gateway/risk/types";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { RiskBadge } from "@/components/servers/risk";
import { SyncStatus } from "@/components/servers/sync-status";
import type { UnruledTool } from "./risky-tools";

export interface ServerActivity {
  id: string;
  name: string;
  lastSyncAt: string | null;
  lastSyncError: string | null;
  policyVersion: number | null;
  calls: number;
  denied: number;
  approvals: number;
  /** Tools in the inventory (not removed). */
  tools: number;
  unruled: UnruledTool[];
}

const SHOWN = 5;

const FATE: Record<UnruledTool["fate"], string> = {
  no_policy: "No policy is published yet, so the gateway denies them, like every call.",
  denied_by_default: "The policy's default is deny, so agents cannot call them until a rule allows it.",
  allowed_by_default: "The policy's default is allow: agents can call them without any limit.",
};

/** One server on the overview: its last 24 hours and the riskiest tools no rule covers. */
export function ServerActivityCard({ s }: { s: ServerActivity }) {
  const denialRate = s.calls > 0 ? Math.round((s.denied / s.calls) * 100) : 0;
  const headingId = `overview-${s.id}`;
  return (
    <Card role="region" aria-labelledby={headingId} className="flex flex-col" data-testid="server-activity">
      <div className="flex flex-wrap items-start justify-between gap-2 border-b border-zinc-200 px-5 py-3.5">
        <div className="min-w-0">
          <h3 id={headingId} className="truncate text-base font-semibold text-zinc-900">
            <Link href={`/servers/${s.id}`} className="hover:text-brand-700 hover:underline">
              {s.name}
            </Link>
          </h3>
          <div className="mt-1 flex flex-wrap gap-1.5">
            <SyncStatus lastSyncAt={s.lastSyncAt} lastSyncError={s.lastSyncError} />
            {s.policyVersion === null ? <Badge tone="amber">no policy</Badge> : <Badge tone="brand">policy v{s.policyVersion}</Badge>}
          </div>
        </div>
        <Link href={`/servers/${s.id}/policy`} className="text-sm font-medium text-brand-700 hover:underline">
          Policy →
        </Link>
      </div>
      <dl className="grid grid-cols-3 divide-x divide-zinc-100 border-b border-zinc-200" aria-label="Last 24 hours">
        <Stat label="Calls, 24 h" value={s.calls.toLocaleString()} />
        <Stat label="Denied" value={s.denied.toLocaleString()} note={s.calls > 0 ? `${denialRate}%` : undefined} tone={s.denied > 0 ? "text-red-700" : undefined} />
        <Stat label="Approvals" value={s.approvals.toLocaleString()} tone={s.approvals > 0 ? "text-amber-700" : undefined} />
      </dl>
      <section className="flex-1 px-5 py-3.5" aria-label={`Riskiest tools of ${s.name} without a rule`}>
        <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Riskiest tools without a rule</h4>
        {s.tools === 0 ? (
          <p className="mt-1.5 text-sm text-zinc-600">No tools listed yet{s.lastSyncError ? ": the last sync failed" : ""}.</p>
        ) : s.unruled.length === 0 ? (
          <p className="mt-1.5 text-sm text-zinc-600">None: every high and critical tool has a rule.</p>
        ) : (
          <>
            <p className={s.unruled[0].fate === "allowed_by_default" ? "mt-1 text-xs font-medium text-red-700" : "mt-1 text-xs text-zinc-500"}>{FATE[s.unruled[0].fate]}</p>
            <ul className="mt-2 space-y-1.5">
              {s.unruled.slice(0, SHOWN).map((t) => (
                <li key={t.name} className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
                  <RiskBadge category={t.riskCategory} level={t.riskLevel as RiskLevel} />
                  <Link href={`/servers/${s.id}?q=${encodeURIComponent(t.name)}#tool-${t.name}`} className="min-w-0 font-mono text-xs font-medium break-all text-zinc-900 hover:text-brand-700 hover:underline">
                    {t.name}
                  </Link>
                </li>
              ))}
            </ul>
            {s.unruled.length > SHOWN && (
              <Link href={`/servers/${s.id}`} className="mt-2 inline-block text-xs font-medium text-brand-700 hover:underline">
                and {s.unruled.length - SHOWN} more in the inventory
              </Link>
            )}
          </>
        )}
      </section>
    </Card>
  );
}

function Stat({ label, value, note, tone }: { label: string; value: string; note?: string; tone?: string }) {
  return (
    <div className="px-4 py-3 sm:px-5">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={`mt-0.5 text-xl font-semibold tabular-nums ${tone ?? "text-zinc-900"}`}>
        {value}
        {note && <span className="ml-1 text-xs font-medium text-zinc-500">{note}</span>}
      </dd>
    </div>
  );
}
