"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiClientError } from "./api";

/**
 * A mutation against /api/v1 that refreshes the given queries on success and exposes the
 * error as a form wants it: a message, and per-field messages when the API gave them.
 */
export function useApiMutation<TInput, TResult>(fn: (input: TInput) => Promise<TResult>, invalidate: string[][] = []) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all(invalidate.map((queryKey) => qc.invalidateQueries({ queryKey }))),
  });
  const err = m.error;
  const fields = err instanceof ApiClientError ? err.fields : {};
  return {
    ...m,
    errorMessage: err && Object.keys(fields).length === 0 ? err.message : "",
    fields,
  };
}
