"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/lib/client/api";

export function OrgSwitcher({ current, orgs }: { current: { id: string; name: string }; orgs: { id: string; name: string }[] }) {
  const router = useRouter();
  const [error, setError] = useState("");
  async function switchTo(orgId: string) {
    setError("");
    try {
      await apiFetch("/api/v1/orgs/current", { method: "PUT", body: { orgId } });
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  if (orgs.length < 2) {
    return (
      <div className="text-sm font-semibold text-zinc-900" data-testid="current-org">
        {current.name}
      </div>
    );
  }
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="org-switcher" className="sr-only">
        Organization
      </label>
      <select
        id="org-switcher"
        data-testid="current-org"
        value={current.id}
        onChange={(e) => switchTo(e.target.value)}
        className="rounded-md border-0 bg-white py-1.5 pl-3 pr-8 text-sm font-semibold text-zinc-900 ring-1 ring-inset ring-zinc-300"
      >
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </div>
  );
}
