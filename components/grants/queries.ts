"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { GrantRow, ServerOption } from "./types";

/** The organization's servers (for selects and names); shared by the grants and audit pages. */
export function useServerOptions() {
  return useQuery({
    queryKey: ["servers", "options"],
    queryFn: () => apiFetch<{ items: ServerOption[] }>("/api/v1/servers?limit=500").then((r) => r.items),
  });
}

/** Every grant of the organization, revoked ones included, with usage. */
export function useGrants(opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: ["grants"],
    queryFn: () => apiFetch<{ grants: GrantRow[] }>("/api/v1/grants").then((r) => r.grants),
    refetchInterval: opts.refetchInterval,
  });
}
