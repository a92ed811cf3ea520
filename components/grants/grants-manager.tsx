"use client";

import Link from "next/link";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { formatCount, formatDate, formatDateTime, formatRelative } from "@/lib/client/format";
import { CreateGrantForm } from "./create-grant-form";
import { useGrants } from "./queries";
import { TokenReveal, type RevealedToken } from "./token-reveal";
import type { CreatedGrant, GrantRow } from "./types";

interface Props {
  canWrite: boolean;
  roleLabel: string;
}

export function GrantsManager({ canWrite, roleLabel }: Props) {
  const [revealed, setRevealed] = useState<RevealedToken | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const grants = useGrants({ refetchInterval: 30_000 });
  const rotate = useApiMutation((g: GrantRow) => apiFetch<CreatedGrant>(`/api/v1/grants/${encodeURIComponent(g.id)}/rotate`, { method: "POST" }), [["grants"]]);
  const revoke = useApiMutation((g: GrantRow) => apiFetch(`/api/v1/grants/${encodeURIComponent(g.id)}`, { method: "DELETE" }), [["grants"]]);
  const actionError = rotate.error?.message || revoke.error?.message;

  const all = grants.data ?? [];
  const revokedCount = all.filter((g) => g.revokedAt).length;
  const shown = showRevoked ? all : all.filter((g) => !g.revokedAt);

  function onRotate(g: GrantRow) {
    if (!confirm(`Rotate the token of “${g.label}”?\n\nThe current token (${g.tokenPrefix}…) stops working at once; the agent needs the new one.`)) return;
    rotate.mutate(g, {
      onSuccess: (r) =>
        setRevealed({ kind: "rotated", grantId: g.id, label: g.label, serverName: g.serverName, token: r.token, gatewayUrl: r.gatewayUrl }),
    });
  }

  function onRevoke(g: GrantRow) {
    if (!confirm(`Revoke “${g.label}”?\n\nIts token stops working at once and cannot be restored.`)) return;
    revoke.mutate(g, { onSuccess: () => revealed?.grantId === g.id && setRevealed(null) });
  }

  return (
    <div className="space-y-6">
      {canWrite ? (
        <CreateGrantForm
          onCreated={(g, serverName) => setRevealed({ kind: "created", grantId: g.id, label: g.label, serverName, token: g.token, gatewayUrl: g.gatewayUrl })}
        />
      ) : (
        <Alert tone="info">
          You can see the grants of this organization. Creating, rotating and revoking them is for admins and policy managers; your role is {roleLabel}.
        </Alert>
      )}

      {revealed && <TokenReveal revealed={revealed} onDone={() => setRevealed(null)} />}

      {grants.isSuccess && all.length === 0 ? (
        <EmptyState
          title="No grants yet"
          body={
            canWrite
              ? "A grant gives one agent (say ci-runner) access to one server through Toolgate. Create one above: its token is shown once, with snippets for Claude Code, Cursor, VS Code and more."
              : "A grant gives one agent (say ci-runner) access to one server through Toolgate. An admin or policy manager creates them."
          }
        />
      ) : (
        <Card>
          <CardHeader
            title="Grants"
            description="Usage comes from the audit log: the last call and the calls of the last 24 hours."
            actions={
              revokedCount > 0 ? (
                <label className="flex items-center gap-2 text-sm text-zinc-700">
                  <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} className="size-4 rounded border-zinc-300 accent-brand-600" />
                  Show revoked ({revokedCount})
                </label>
              ) : undefined
            }
          />
          {actionError && (
            <Alert tone="error" className="m-5 mb-0">
              {actionError}
            </Alert>
          )}
          {grants.isPending && <TableSkeleton />}
          {grants.error && (
            <div className="p-5">
              <Alert tone="error">
                Could not load grants: {grants.error.message}{" "}
                <button type="button" className="font-medium underline underline-offset-2" onClick={() => grants.refetch()}>
                  Try again
                </button>
              </Alert>
            </div>
          )}
          {grants.isSuccess && shown.length === 0 && <p className="px-5 py-4 text-sm text-zinc-500">Every grant is revoked. Tick “Show revoked” to see them.</p>}
          {shown.length > 0 && (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Grants">
                <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium text-zinc-500">
                  <tr>
                    <th scope="col" className="px-5 py-2.5 font-medium">
                      Grant
                    </th>
                    <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                      Server
                    </th>
                    <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                      Created
                    </th>
                    <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                      Last used
                    </th>
                    <th scope="col" className="hidden px-3 py-2.5 text-right font-medium md:table-cell">
                      Calls 24 h
                    </th>
                    <th scope="col" className="hidden px-3 py-2.5 text-right font-medium md:table-cell">
                      Denied 24 h
                    </th>
                    <th scope="col" className="px-3 py-2.5 font-medium">
                      Status
                    </th>
                    {canWrite && (
                      <th scope="col" className="px-5 py-2.5 text-right font-medium">
                        <span className="sr-only">Actions</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {shown.map((g) => (
                    <GrantTableRow
                      key={g.id}
                      grant={g}
                      canWrite={canWrite}
                      busy={(rotate.isPending && rotate.variables?.id === g.id) || (revoke.isPending && revoke.variables?.id === g.id)}
                      onRotate={() => onRotate(g)}
                      onRevoke={() => onRevoke(g)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      )}
    </div>
  );
}

function GrantTableRow({ grant: g, canWrite, busy, onRotate, onRevoke }: { grant: GrantRow; canWrite: boolean; busy: boolean; onRotate: () => void; onRevoke: () => void }) {
  const revoked = Boolean(g.revokedAt);
  const auditHref = `/audit?grant=${encodeURIComponent(g.id)}`;
  return (
    <tr className={revoked ? "bg-zinc-50/60 text-zinc-500" : undefined}>
      <td className="px-5 py-3 align-top">
        <div className={revoked ? "font-medium text-zinc-600" : "font-medium text-zinc-900"}>{g.label}</div>
        <div className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500">
          <code className="font-mono" title="Token prefix: the start of the token, to recognise it">
            {g.tokenPrefix}…
          </code>
          {g.policyId && (
            <span title={`This grant has its own policy (${g.policyId}) instead of the server’s`}>
              <Badge tone="brand">own policy</Badge>
            </span>
          )}
        </div>
        {/* What the hidden columns say, on narrow screens. */}
        <div className="mt-1 text-xs text-zinc-500 sm:hidden">
          {g.serverName} · {g.lastUsedAt ? `used ${formatRelative(g.lastUsedAt)}` : "never used"}
        </div>
        <div className="mt-0.5 text-xs text-zinc-500 md:hidden">
          <Link href={auditHref} className="hover:underline">
            {plural(g.calls24h, "call")}, {formatCount(g.denied24h)} denied in 24 h
          </Link>
        </div>
      </td>
      <td className="hidden px-3 py-3 align-top sm:table-cell">
        <Link href={`/servers/${encodeURIComponent(g.serverId)}`} className="text-zinc-800 hover:text-brand-700 hover:underline">
          {g.serverName}
        </Link>
      </td>
      <td className="hidden px-3 py-3 align-top whitespace-nowrap text-zinc-600 lg:table-cell" title={formatDateTime(g.createdAt)}>
        {formatDate(g.createdAt)}
      </td>
      <td className="hidden px-3 py-3 align-top whitespace-nowrap text-zinc-600 sm:table-cell" title={g.lastUsedAt ? formatDateTime(g.lastUsedAt) : undefined}>
        {formatRelative(g.lastUsedAt)}
      </td>
      <td className="hidden px-3 py-3 text-right align-top tabular-nums md:table-cell">
        <Link href={auditHref} className="text-zinc-800 hover:text-brand-700 hover:underline" aria-label={`${plural(g.calls24h, "call")} in the last 24 hours: open in the audit log`}>
          {formatCount(g.calls24h)}
        </Link>
      </td>
      <td className="hidden px-3 py-3 text-right align-top tabular-nums md:table-cell">
        {g.denied24h > 0 ? (
          <Link
            href={`${auditHref}&decision=deny,hide,rate_limited,require_approval`}
            className="font-medium text-red-700 hover:underline"
            aria-label={`${plural(g.denied24h, "call")} denied in the last 24 hours: open in the audit log`}
          >
            {formatCount(g.denied24h)}
          </Link>
        ) : (
          <span className="text-zinc-500">0</span>
        )}
      </td>
      <td className="px-3 py-3 align-top">
        {revoked ? (
          <span title={`Revoked ${formatDateTime(g.revokedAt!)}`}>
            <Badge tone="red">revoked</Badge>
          </span>
        ) : (
          <Badge tone="green">active</Badge>
        )}
      </td>
      {canWrite && (
        <td className="px-5 py-2.5 text-right align-top">
          {!revoked && (
            <div className="flex flex-col items-end justify-end gap-1.5 sm:flex-row">
              <Button variant="secondary" className="px-2.5 py-1" onClick={onRotate} disabled={busy} aria-label={`Rotate the token of ${g.label}`}>
                Rotate
              </Button>
              <Button variant="danger" className="px-2.5 py-1" onClick={onRevoke} disabled={busy} aria-label={`Revoke ${g.label}`}>
                Revoke
              </Button>
            </div>
          )}
        </td>
      )}
    </tr>
  );
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${n === 1 ? word : `${word}s`}`;
}

function TableSkeleton() {
  return (
    <div className="space-y-3 p-5" aria-busy="true" aria-label="Loading grants">
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex animate-pulse items-center gap-4">
          <div className="h-4 w-40 rounded bg-zinc-200" />
          <div className="h-4 w-24 rounded bg-zinc-100" />
          <div className="ml-auto h-4 w-16 rounded bg-zinc-100" />
        </div>
      ))}
    </div>
  );
}
