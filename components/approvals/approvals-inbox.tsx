"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { useGrants, useServerOptions } from "@/components/grants/queries";
import { ApprovalCard } from "./approval-card";
import { useApprovals } from "./queries";
import { STATUS_LABELS, type ApprovalFilters, type ApprovalStatus } from "./types";

const SELECT =
  "block w-full rounded-md border-0 bg-white py-1.5 pr-8 pl-2.5 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-brand-600 focus:outline-none focus:ring-inset";

/** The approvals inbox: pending first, filters kept in the URL, polled every 5 s. */
export function ApprovalsInbox({ roleCanDecide, roleLabel }: { roleCanDecide: boolean; roleLabel: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters: ApprovalFilters = useMemo(
    () => ({ status: params.get("status") ?? "", serverId: params.get("serverId") ?? "", grantId: params.get("grantId") ?? "", tool: params.get("tool") ?? "" }),
    [params],
  );
  const approvals = useApprovals(filters);
  const servers = useServerOptions();
  const grants = useGrants();

  const setFilter = (key: keyof ApprovalFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };

  const items = approvals.data?.items ?? [];
  const pending = items.filter((a) => a.status === "pending").length;
  const filtered = Object.values(filters).some(Boolean);
  const tools = [...new Set(items.map((a) => a.tool).concat(filters.tool ? [filters.tool] : []))].sort();

  return (
    <div className="space-y-4">
      <form role="search" aria-label="Filter approval requests" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" onSubmit={(e) => e.preventDefault()}>
        <Filter label="Status" value={filters.status} onChange={(v) => setFilter("status", v)}>
          <option value="">All statuses</option>
          {(Object.keys(STATUS_LABELS) as ApprovalStatus[]).map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </Filter>
        <Filter label="Server" value={filters.serverId} onChange={(v) => setFilter("serverId", v)}>
          <option value="">All servers</option>
          {(servers.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Filter>
        <Filter label="Grant" value={filters.grantId} onChange={(v) => setFilter("grantId", v)}>
          <option value="">All grants</option>
          {(grants.data ?? [])
            .filter((g) => !filters.serverId || g.serverId === filters.serverId)
            .map((g) => (
              <option key={g.id} value={g.id}>
                {g.label} ({g.serverName})
              </option>
            ))}
        </Filter>
        <Filter label="Tool" value={filters.tool} onChange={(v) => setFilter("tool", v)}>
          <option value="">All tools</option>
          {tools.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Filter>
      </form>

      {!roleCanDecide && (
        <Alert tone="info">
          You can see every request, and decide only those whose rule names you as an approver: the others are for admins and policy managers. You are a{" "}
          {roleLabel.toLowerCase()}.
        </Alert>
      )}

      {approvals.error ? (
        <Alert tone="error">{approvals.error.message}</Alert>
      ) : approvals.isPending ? (
        <p className="text-sm text-zinc-500">Loading requests…</p>
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState title="No requests match these filters" body="Clear a filter to see more." />
        ) : (
          <EmptyState title="No approvals waiting" body="When a rule requires approval, the agent's call waits here until an admin, a policy manager or an approver the rule names decides. New requests appear within seconds." />
        )
      ) : (
        <>
          <p className="text-sm text-zinc-600" aria-live="polite" data-testid="approvals-summary">
            {pending === 0 ? "Nothing waiting for a decision." : `${pending} waiting for a decision.`} {items.length - pending > 0 && `${items.length - pending} decided or closed.`}
          </p>
          <ul className="space-y-4">
            {items.map((a) => (
              <li key={a.id}>
                <ApprovalCard approval={a} roleLabel={roleLabel} />
              </li>
            ))}
          </ul>
          {approvals.data?.nextCursor && <p className="text-sm text-zinc-500">Showing the first {items.length}; narrow the filters to see older requests.</p>}
        </>
      )}
    </div>
  );
}

function Filter({ label, value, onChange, children }: { label: string; value: string; onChange: (v: string) => void; children: React.ReactNode }) {
  return (
    <label className="block text-xs font-medium text-zinc-600">
      {label}
      <select className={`${SELECT} mt-1`} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </label>
  );
}
