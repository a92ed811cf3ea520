"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/lib/client/api";
import type { ApprovalFilters, ApprovalRow } from "./types";

export const APPROVALS_POLL_MS = 5_000;

function listPath(f: ApprovalFilters): string {
  const q = new URLSearchParams({ limit: "200" });
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  return `/api/v1/approvals?${q}`;
}

/** The inbox: polled every 5 s so new requests appear without a reload. */
export function useApprovals(filters: ApprovalFilters) {
  return useQuery({
    queryKey: ["approvals", "list", filters],
    queryFn: () => apiFetch<{ items: ApprovalRow[]; nextCursor: string | null }>(listPath(filters)),
    refetchInterval: APPROVALS_POLL_MS,
  });
}

export function useApproval(id: string, initial?: ApprovalRow) {
  return useQuery({
    queryKey: ["approvals", "one", id],
    queryFn: () => apiFetch<ApprovalRow>(`/api/v1/approvals/${id}`),
    initialData: initial,
    refetchInterval: APPROVALS_POLL_MS,
  });
}

/** The sidebar's badge. */
export function usePendingApprovalCount() {
  return useQuery({
    queryKey: ["approvals", "count"],
    queryFn: () => apiFetch<{ pending: number }>("/api/v1/approvals/count"),
    refetchInterval: APPROVALS_POLL_MS,
    select: (d) => d.pending,
  });
}

type Decision = { id: string; decision: "approve" | "deny"; comment: string };

/**
 * Approve or deny. The request shows as decided at once (optimistic); the server's answer then
 * replaces it, and on an error (a 409: someone decided first) the caches are refetched so the
 * card shows what really happened.
 */
export function useDecideApproval() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, comment }: Decision) =>
      apiFetch<ApprovalRow>(`/api/v1/approvals/${id}/${decision}`, { method: "POST", body: decision === "approve" && !comment.trim() ? {} : { comment } }),
    onMutate: async ({ id, decision, comment }) => {
      await qc.cancelQueries({ queryKey: ["approvals"] });
      const patch = (a: ApprovalRow): ApprovalRow =>
        a.id === id ? { ...a, status: decision === "approve" ? "approved" : "denied", comment: comment.trim() || null, decidedAt: new Date().toISOString(), canDecide: false } : a;
      const lists = qc.getQueriesData<{ items: ApprovalRow[]; nextCursor: string | null }>({ queryKey: ["approvals", "list"] });
      const one = qc.getQueryData<ApprovalRow>(["approvals", "one", id]);
      for (const [key, data] of lists) if (data) qc.setQueryData(key, { ...data, items: data.items.map(patch) });
      if (one) qc.setQueryData(["approvals", "one", id], patch(one));
      return { lists, one };
    },
    onError: (_err, { id }, ctx) => {
      for (const [key, data] of ctx?.lists ?? []) qc.setQueryData(key, data);
      if (ctx?.one) qc.setQueryData(["approvals", "one", id], ctx.one);
    },
    onSuccess: (row) => {
      qc.setQueryData(["approvals", "one", row.id], row);
      for (const [key, data] of qc.getQueriesData<{ items: ApprovalRow[]; nextCursor: string | null }>({ queryKey: ["approvals", "list"] })) {
        if (data) qc.setQueryData(key, { ...data, items: data.items.map((a) => (a.id === row.id ? row : a)) });
      }
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ["approvals"] }),
  });
}
