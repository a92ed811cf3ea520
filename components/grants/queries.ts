"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetchAll } from "@/lib/client/api";
import type { GrantRow, ServerOption } from "./types";

/** The organization's servers (for selects and names); shared by the grants and audit pages. */
export function useServerOptions() {
  return useQuery({
    queryKey: ["servers", "options"],
    queryFn: () => apiFetchAll<ServerOption>("/api/v1/servers"),
  });
}

/** Every grant of the organization, revoked ones included, with usage. */
export function useGrants(opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: ["grants"],
    queryFn: () => apiFetchAll<GrantRow>("/api/v1/grants"),
    refetchInterval: opts.refetchInterval,
  });
}
