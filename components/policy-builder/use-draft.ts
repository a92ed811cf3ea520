"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { apiFetch } from "@/lib/client/api";

export interface SavedDraft {
  text: string;
  baseVersion: number | null;
}

export type SaveStatus = "idle" | "saving" | "saved" | "error";

const SAVE_DELAY_MS = 600;

/**
 * The caller's draft on the server: loaded once, then saved a moment after each change (or
 * deleted when the editor holds the published version again). A change still waiting when the
 * page is left is sent with `keepalive`, so nothing is lost on reload or navigation.
 */
export function useDraftAutosave(serverId: string, enabled: boolean) {
  const url = `/api/v1/servers/${serverId}/policy/draft`;
  const [initial, setInitial] = useState<SavedDraft | null | undefined>(enabled ? undefined : null);
  const [status, setStatus] = useState<SaveStatus>("idle");
  const pending = useRef<{ value: SavedDraft | null } | null>(null);
  const last = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    apiFetch<{ draft: SavedDraft | null }>(url)
      .then((r) => live && ((last.current = r.draft ? JSON.stringify(r.draft) : "null"), setInitial(r.draft ? { text: r.draft.text, baseVersion: r.draft.baseVersion } : null)))
      .catch(() => live && setInitial(null));
    return () => void (live = false);
  }, [url, enabled]);

  const flush = useCallback(
    (keepalive = false) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      const p = pending.current;
      pending.current = null;
      if (!p) return;
      const key = p.value ? JSON.stringify(p.value) : "null";
      if (key === last.current) return;
      last.current = key;
      setStatus("saving");
      const req = p.value
        ? fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(p.value), keepalive })
        : fetch(url, { method: "DELETE", keepalive });
      req.then((r) => setStatus(r.ok ? "saved" : "error")).catch(() => setStatus("error"));
    },
    [url],
  );

  const save = useCallback(
    (value: SavedDraft | null) => {
      if (!enabled) return;
      pending.current = { value };
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => flush(), SAVE_DELAY_MS);
    },
    [enabled, flush],
  );

  useEffect(() => {
    const leave = () => flush(true);
    window.addEventListener("pagehide", leave);
    return () => (window.removeEventListener("pagehide", leave), leave());
  }, [flush]);

  return useMemo(() => ({ initial, status, save }), [initial, status, save]);
}
