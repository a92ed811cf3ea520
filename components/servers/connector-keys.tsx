"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { ConnectorBadge, ConnectorKeyReveal, ConnectorWhat } from "./connector";
import { timeAgo } from "./format";
import { serverKeys, type ConnectorKey, type Server } from "./types";

/** A connector server's status and its keys: new key (shown once, with the line to run), revoke. */
export function ConnectorPanel({ server, publicUrl, canWrite }: { server: Server; publicUrl: string; canWrite: boolean }) {
  const [created, setCreated] = useState<string | null>(null);
  const keys = useQuery({
    queryKey: serverKeys.connectorKeys(server.id),
    queryFn: () => apiFetch<{ items: ConnectorKey[] }>(`/api/v1/servers/${server.id}/connector-keys`).then((r) => r.items),
    enabled: canWrite,
  });
  const create = useApiMutation(() => apiFetch<{ key: Omit<ConnectorKey, "lastUsedAt" | "revokedAt">; secret: string }>(`/api/v1/servers/${server.id}/connector-keys`, { method: "POST" }), [serverKeys.connectorKeys(server.id)]);
  const revoke = useApiMutation((keyId: string) => apiFetch(`/api/v1/servers/${server.id}/connector-keys/${keyId}`, { method: "DELETE" }), [serverKeys.connectorKeys(server.id), serverKeys.one(server.id)]);
  const status = server.connector;

  return (
    <Card>
      <CardHeader
        title="Connector"
        description="toolgate connect runs the server on another machine and dials out with this server’s key."
        actions={
          canWrite ? (
            <Button variant="secondary" busy={create.isPending} onClick={() => create.mutate(undefined, { onSuccess: (r) => setCreated(r.secret) })}>
              New key
            </Button>
          ) : undefined
        }
      />
      <div className="space-y-4 p-5">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <ConnectorBadge status={status} withHeartbeat />
          {status?.online && (
            <span className="min-w-0 text-sm text-zinc-700">
              Connected
              <ConnectorWhat status={status} />.
            </span>
          )}
        </div>
        {create.error && <Alert tone="error">Could not create a key: {create.error.message}</Alert>}
        {revoke.error && <Alert tone="error">Could not revoke the key: {revoke.error.message}</Alert>}
        {created && (
          <div>
            <ConnectorKeyReveal
              serverId={server.id}
              secret={created}
              publicUrl={publicUrl}
              intro={<p className="font-semibold text-zinc-900">New connector key</p>}
            />
            <Button variant="ghost" className="mt-2" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        )}
      </div>
      {canWrite ? (
        <KeyList keys={keys.data} loading={keys.isPending} onRevoke={(k) => confirm(`Revoke the key ${k.prefix}…? A connector using it is disconnected at once.`) && revoke.mutate(k.id)} revoking={revoke.isPending ? revoke.variables : undefined} />
      ) : (
        <p className="border-t border-zinc-200 px-5 py-4 text-sm text-zinc-600">Admins manage this server’s connector keys.</p>
      )}
    </Card>
  );
}

function KeyList({ keys, loading, onRevoke, revoking }: { keys: ConnectorKey[] | undefined; loading: boolean; onRevoke: (k: ConnectorKey) => void; revoking: string | undefined }) {
  if (loading) return <div className="mx-5 mb-5 h-10 animate-pulse rounded-md bg-zinc-100" aria-busy="true" aria-label="Loading keys" />;
  if (!keys?.length) return <p className="border-t border-zinc-200 px-5 py-4 text-sm text-zinc-600">No keys: create one to connect.</p>;
  return (
    <ul className="divide-y divide-zinc-100 border-t border-zinc-200" aria-label="Connector keys">
      {keys.map((k) => (
        <li key={k.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3" data-testid="connector-key">
          <div className="min-w-0">
            <div className="flex items-center gap-2 text-sm">
              <code className="font-mono font-medium text-zinc-900">{k.prefix}…</code>
              {k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}
            </div>
            <p className="mt-0.5 text-xs text-zinc-500">
              created {timeAgo(k.createdAt)} · {k.lastUsedAt ? `last used ${timeAgo(k.lastUsedAt)}` : "never used"}
              {k.revokedAt && ` · revoked ${timeAgo(k.revokedAt)}`}
            </p>
          </div>
          {!k.revokedAt && (
            <Button variant="danger" className="py-1.5" busy={revoking === k.id} onClick={() => onRevoke(k)} aria-label={`Revoke key ${k.prefix}`}>
              Revoke
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}
