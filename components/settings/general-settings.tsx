"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { apiFetch } from "@/lib/client/api";
import { useApiMutation } from "@/lib/client/use-api-mutation";
import { ROLE_LABELS, type Role } from "@/lib/auth/permissions";

interface Props {
  org: { id: string; name: string };
  canRename: boolean;
  orgs: { id: string; name: string; role: Role }[];
}

export function GeneralSettings({ org, canRename, orgs }: Props) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const rename = useApiMutation((name: string) => apiFetch("/api/v1/orgs/current", { method: "PATCH", body: { name } }));
  const create = useApiMutation((name: string) => apiFetch("/api/v1/orgs", { body: { name } }));

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Organization" description="The name your members see." />
        <form
          className="flex flex-wrap items-end gap-3 p-5"
          onSubmit={(e) => {
            e.preventDefault();
            setSaved(false);
            const name = String(new FormData(e.currentTarget).get("name"));
            rename.mutate(name, { onSuccess: () => (setSaved(true), router.refresh()) });
          }}
        >
          <TextField label="Name" name="name" defaultValue={org.name} disabled={!canRename} className="min-w-64 flex-1" error={rename.fields.name} />
          {canRename && (
            <Button type="submit" busy={rename.isPending}>
              Save
            </Button>
          )}
          {rename.errorMessage && <Alert tone="error" className="w-full">{rename.errorMessage}</Alert>}
          {saved && <Alert tone="success" className="w-full">Saved</Alert>}
          {!canRename && <p className="w-full text-xs text-zinc-500">Only admins can rename the organization.</p>}
        </form>
      </Card>
      <Card>
        <CardHeader title="Your organizations" description="Switch between them from the top bar, or start a new one." />
        <ul className="divide-y divide-zinc-100 px-5">
          {orgs.map((o) => (
            <li key={o.id} className="flex items-center justify-between py-3 text-sm">
              <span className="font-medium text-zinc-900">{o.name}</span>
              <span className="text-zinc-500">{ROLE_LABELS[o.role]}</span>
            </li>
          ))}
        </ul>
        <form
          className="flex flex-wrap items-end gap-3 border-t border-zinc-200 p-5"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            create.mutate(String(new FormData(form).get("name")), { onSuccess: () => (form.reset(), router.refresh()) });
          }}
        >
          <TextField label="New organization" name="name" placeholder="Acme platform team" className="min-w-64 flex-1" error={create.fields.name} />
          <Button type="submit" variant="secondary" busy={create.isPending}>
            Create organization
          </Button>
          {create.errorMessage && <Alert tone="error" className="w-full">{create.errorMessage}</Alert>}
        </form>
      </Card>
    </div>
  );
}
