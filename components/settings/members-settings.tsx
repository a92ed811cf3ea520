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
import { ROLES, ROLE_LABELS, ROLE_DESCRIPTIONS, type Role } from "@/lib/auth/permissions";

interface Member {
  id: string;
  role: Role;
  createdAt: string;
  user: { id: string; email: string; name: string | null };
}
interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
}
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

export function MembersSettings({ currentUserId }: { currentUserId: string }) {
  const members = useQuery({ queryKey: ["members"], queryFn: () => apiFetchAll<Member>("/api/v1/members") });
  const invitations = useQuery({ queryKey: ["invitations"], queryFn: () => apiFetchAll<Invitation>("/api/v1/invitations") });
  const changeRole = useApiMutation((v: { id: string; role: Role }) => apiFetch(`/api/v1/members/${v.id}`, { method: "PATCH", body: { role: v.role } }), [["members"]]);
  const remove = useApiMutation((id: string) => apiFetch(`/api/v1/members/${id}`, { method: "DELETE" }), [["members"]]);
  const revoke = useApiMutation((id: string) => apiFetch(`/api/v1/invitations/${id}`, { method: "DELETE" }), [["invitations"]]);
  const actionError = changeRole.error?.message || remove.error?.message || revoke.error?.message;

  return (
    <div className="space-y-6">
      <InviteForm />
      <Card>
        <CardHeader title="Members" description={ROLES.map((r) => `${ROLE_LABELS[r]}: ${ROLE_DESCRIPTIONS[r]}`).join(" · ")} />
        {actionError && <Alert tone="error" className="m-5 mb-0">{actionError}</Alert>}
        {members.isPending && <p className="p-5 text-sm text-zinc-500">Loading members…</p>}
        {members.error && <Alert tone="error" className="m-5">{members.error.message}</Alert>}
        <ul className="divide-y divide-zinc-100" aria-label="Members">
          {members.data?.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3">
              <div>
                <div className="text-sm font-medium text-zinc-900">
                  {m.user.name || m.user.email} {m.user.id === currentUserId && <Badge>you</Badge>}
                </div>
                <div className="text-xs text-zinc-500">{m.user.email}</div>
              </div>
              <div className="flex items-center gap-2">
                <label className="sr-only" htmlFor={`role-${m.id}`}>
                  Role of {m.user.email}
                </label>
                <select
                  id={`role-${m.id}`}
                  value={m.role}
                  onChange={(e) => changeRole.mutate({ id: m.id, role: e.target.value as Role })}
                  className="rounded-md border-0 py-1.5 pl-2 pr-8 text-sm ring-1 ring-inset ring-zinc-300"
                >
                  {ROLE_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
                <Button variant="danger" className="py-1.5" onClick={() => confirm(`Remove ${m.user.email} from the organization?`) && remove.mutate(m.id)}>
                  Remove
                </Button>
              </div>
            </li>
          ))}
        </ul>
      </Card>
      <Card>
        <CardHeader title="Pending invitations" />
        {invitations.data?.length === 0 && <p className="px-5 py-4 text-sm text-zinc-500">No pending invitations.</p>}
        <ul className="divide-y divide-zinc-100" aria-label="Pending invitations">
          {invitations.data?.map((inv) => (
            <li key={inv.id} className="flex items-center justify-between px-5 py-3 text-sm">
              <span>
                <span className="font-medium">{inv.email}</span> · {ROLE_LABELS[inv.role]} · expires {new Date(inv.expiresAt).toLocaleDateString()}
              </span>
              <Button variant="ghost" onClick={() => revoke.mutate(inv.id)}>
                Withdraw
              </Button>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

function InviteForm() {
  const [link, setLink] = useState<{ url: string; email: string; mailed: boolean } | null>(null);
  const invite = useApiMutation(
    (v: { email: string; role: string }) => apiFetch<{ url: string; mailed: boolean }>("/api/v1/invitations", { body: v }),
    [["invitations"]],
  );
  return (
    <Card>
      <CardHeader title="Invite a member" description="They get a link to join this organization with the role you choose. Links expire after 7 days." />
      <form
        className="grid gap-3 p-5 sm:grid-cols-[1fr_12rem_auto] sm:items-end"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const data = new FormData(form);
          const email = String(data.get("email"));
          setLink(null);
          invite.mutate({ email, role: String(data.get("role")) }, { onSuccess: (r) => (setLink({ url: r.url, email, mailed: r.mailed }), form.reset()) });
        }}
      >
        <TextField label="Email" name="email" type="email" required placeholder="teammate@example.com" error={invite.fields.email} />
        <SelectField label="Role" name="role" options={ROLE_OPTIONS} defaultValue="viewer" error={invite.fields.role} />
        <Button type="submit" busy={invite.isPending}>
          Invite
        </Button>
      </form>
      <div className="space-y-3 px-5 pb-5 empty:hidden">
        {invite.errorMessage && <Alert tone="error">{invite.errorMessage}</Alert>}
        {link && (
          <>
            <Alert tone="success">
              Invitation created for {link.email}.{" "}
              {link.mailed ? "We emailed the link too." : "Send them this link (mail is not configured on this Toolgate)."}
            </Alert>
            <CopyField label="Invitation link" value={link.url} />
          </>
        )}
      </div>
    </Card>
  );
}
