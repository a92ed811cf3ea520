"use client";

import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { TextField, SelectField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { useServerOptions } from "./queries";
import type { CreatedGrant } from "./types";

/** Label, server and an optional own policy; on success the parent shows the token once. */
export function CreateGrantForm({ onCreated }: { onCreated: (grant: CreatedGrant, serverName: string) => void }) {
  const servers = useServerOptions();
  const create = useApiMutation(
    (v: { serverId: string; label: string; policyId?: string }) =>
      apiFetch<CreatedGrant>(`/api/v1/servers/${encodeURIComponent(v.serverId)}/grants`, { body: { label: v.label, ...(v.policyId ? { policyId: v.policyId } : {}) } }),
    [["grants"]],
  );
  const list = servers.data ?? [];
  const noServers = servers.isSuccess && list.length === 0;
  const options = servers.isPending
    ? [{ value: "", label: "Loading servers…" }]
    : noServers
      ? [{ value: "", label: "No servers yet" }]
      : list.map((s) => ({ value: s.id, label: s.name }));

  return (
    <Card>
      <CardHeader title="Create a grant" description="One grant per agent: a bearer token bound to one server, checked against the server’s policy or the grant’s own." />
      <form
        className="grid gap-3 p-5 md:grid-cols-[1fr_1fr_1fr_auto] md:items-start"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const data = new FormData(form);
          const serverId = String(data.get("serverId") ?? "");
          const policyId = String(data.get("policyId") ?? "").trim();
          create.mutate(
            { serverId, label: String(data.get("label") ?? ""), policyId: policyId || undefined },
            {
              onSuccess: (g) => {
                form.reset();
                onCreated(g, list.find((s) => s.id === serverId)?.name ?? serverId);
              },
            },
          );
        }}
      >
        <TextField label="Label" name="label" required maxLength={100} placeholder="ci-runner" autoComplete="off" error={create.fields.label} hint="Who holds the token, e.g. the agent’s name." />
        <SelectField label="Server" name="serverId" options={options} disabled={servers.isPending || noServers} error={create.fields.serverId} />
        <TextField
          label="Own policy (optional)"
          name="policyId"
          placeholder="pol_…"
          autoComplete="off"
          spellCheck={false}
          error={create.fields.policyId}
          hint="A policy id; empty uses the server’s policy."
        />
        <Button type="submit" busy={create.isPending} disabled={noServers} className="md:mt-[1.625rem]">
          Create grant
        </Button>
      </form>
      <div className="space-y-3 px-5 pb-5 empty:hidden">
        {noServers && (
          <Alert tone="info">
            A grant is bound to a server.{" "}
            <Link href="/servers" className="font-medium underline underline-offset-2">
              Add a server
            </Link>{" "}
            first, then come back to create its grants.
          </Alert>
        )}
        {servers.error && <Alert tone="error">Could not load your servers: {servers.error.message}</Alert>}
        {create.errorMessage && <Alert tone="error">{create.errorMessage}</Alert>}
      </div>
    </Card>
  );
}
