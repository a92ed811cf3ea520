"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { TextField, SelectField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";
import { Badge } from "@/components/ui/badge";
import { apiFetch, apiFetchAll } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { ROLES, ROLE_LABELS, type Role } from "@/lib/auth/permissions";

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export function ApiKeysSettings() {
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => apiFetchAll<ApiKey>("/api/v1/api-keys") });
  const create = useApiMutation((v: { name: string; role: string }) => apiFetch<{ key: string }>("/api/v1/api-keys", { body: v }), [["api-keys"]]);
  const revoke = useApiMutation((id: string) => apiFetch(`/api/v1/api-keys/${id}`, { method: "DELETE" }), [["api-keys"]]);

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Create an API key" description="For scripts and CI: the management API under /api/v1 and the toolgate CLI. Send it as Authorization: Bearer <key>." />
        <form
          className="grid gap-3 p-5 sm:grid-cols-[1fr_12rem_auto] sm:items-end"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const data = new FormData(form);
            const name = String(data.get("name"));
            setCreated(null);
            create.mutate({ name, role: String(data.get("role")) }, { onSuccess: (r) => (setCreated({ key: r.key, name }), form.reset()) });
          }}
        >
          <TextField label="Name" name="name" required placeholder="ci-policy-push" error={create.fields.name} />
          <SelectField label="Acts as" name="role" options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} defaultValue="admin" />
          <Button type="submit" busy={create.isPending}>
            Create key
          </Button>
        </form>
        <div className="space-y-3 px-5 pb-5 empty:hidden">
          {create.errorMessage && <Alert tone="error">{create.errorMessage}</Alert>}
          {created && (
            <>
              <Alert tone="warning">Copy the key for {created.name} now. It is shown only once; Toolgate keeps only its hash.</Alert>
              <CopyField label="API key" value={created.key} />
            </>
          )}
        </div>
      </Card>
      <Card>
        <CardHeader title="Keys" />
        {revoke.error && <Alert tone="error" className="m-5 mb-0">{revoke.error.message}</Alert>}
        {keys.isPending && <p className="p-5 text-sm text-zinc-500">Loading keys…</p>}
        {keys.data?.length === 0 && <p className="px-5 py-4 text-sm text-zinc-500">No API keys yet.</p>}
        <ul className="divide-y divide-zinc-100" aria-label="API keys">
          {keys.data?.map((k) => (
            <li key={k.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
              <div>
                <div className="flex items-center gap-2 text-sm font-medium text-zinc-900">
                  {k.name} {k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}
                </div>
                <div className="text-xs text-zinc-500">
                  <code>{k.prefix}…</code> · {ROLE_LABELS[k.role]} · created {new Date(k.createdAt).toLocaleDateString()} ·{" "}
                  {k.lastUsedAt ? `last used ${new Date(k.lastUsedAt).toLocaleString()}` : "never used"}
                </div>
              </div>
              {!k.revokedAt && (
                <Button variant="danger" className="py-1.5" onClick={() => confirm(`Revoke ${k.name}? Scripts using it stop working at once.`) && revoke.mutate(k.id)}>
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
