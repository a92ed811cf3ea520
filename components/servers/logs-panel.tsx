"use client";

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { apiFetch, ApiClientError } from "@/lib/client/api";
import type { LogLine } from "./types";

const POLL_MS = 2000;
/** Lines asked for at once; a full page is followed at once by the next. */
const PAGE = 500;
/** Lines kept in the page (as many as Toolgate keeps per server); older ones drop off the top. */
const KEEP = 1000;

const STREAM_STYLE: Record<LogLine["stream"], string> = {
  stderr: "text-amber-300",
  stdout: "text-zinc-400",
  event: "text-sky-300",
};

/** Follows the server's log with `after=` polling: new lines are appended at the bottom. */
function useLogTail(serverId: string, paused: boolean) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const next = useRef(0);
  useEffect(() => {
    if (paused) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const r = await apiFetch<{ items: LogLine[]; next: number }>(`/api/v1/servers/${serverId}/logs?after=${next.current}&limit=${PAGE}`);
        if (stop) return;
        next.current = r.next;
        if (r.items.length) setLines((old) => [...old, ...r.items].slice(-KEEP));
        setError(null);
        setLoaded(true);
        if (r.items.length >= PAGE) {
          timer = setTimeout(poll, 0);
          return;
        }
      } catch (err) {
        if (stop) return;
        const forbidden = err instanceof ApiClientError && err.status === 403;
        setError(forbidden ? "Only admins can read a server's logs." : `Could not load the logs: ${err instanceof Error ? err.message : String(err)}`);
        if (forbidden) return;
      }
      if (!stop) timer = setTimeout(poll, POLL_MS);
    }
    void poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [serverId, paused]);
  return { lines, error, loaded };
}

function clock(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleTimeString(undefined, { hour12: false, hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/**
 * The server's stderr and lifecycle events, newest at the bottom, monospace. It stays scrolled to
 * the bottom as lines arrive, unless the reader has scrolled up: then a button says how many came.
 */
export function LogsPanel({ serverId }: { serverId: string }) {
  const [paused, setPaused] = useState(false);
  const { lines, error, loaded } = useLogTail(serverId, paused);
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const seenCount = useRef(0);
  const [unseen, setUnseen] = useState(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
      seenCount.current = lines.length;
      setUnseen(0);
    } else setUnseen(Math.max(0, lines.length - seenCount.current));
  }, [lines]);

  function onScroll() {
    const el = box.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atBottom.current) {
      seenCount.current = lines.length;
      setUnseen(0);
    }
  }

  function toBottom() {
    const el = box.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    seenCount.current = lines.length;
    setUnseen(0);
  }

  return (
    <Card>
      <CardHeader
        title="Logs"
        description="What the server's processes print on stderr, and when they start, stop or crash. Newest at the bottom."
        actions={
          <div className="flex items-center gap-3">
            <span className="inline-flex items-center gap-1.5 text-xs text-zinc-500" aria-live="polite">
              <span className={cn("size-2 rounded-full", paused ? "bg-zinc-300" : "animate-pulse bg-emerald-500")} aria-hidden />
              {paused ? "Paused" : "Live"}
            </span>
            <Button variant="secondary" className="py-1.5" onClick={() => setPaused((p) => !p)}>
              {paused ? "Resume" : "Pause"}
            </Button>
          </div>
        }
      />
      <div className="relative">
        <div
          ref={box}
          onScroll={onScroll}
          role="log"
          aria-label="Server log"
          tabIndex={0}
          className="max-h-[28rem] min-h-28 overflow-auto rounded-b-lg bg-zinc-950 px-4 py-3 font-mono text-xs leading-5 text-zinc-100"
          data-testid="server-log"
        >
          {error && <p className="text-red-300">{error}</p>}
          {!error && loaded && lines.length === 0 && <p className="text-zinc-500">Nothing logged yet. Lines appear here as soon as a process starts.</p>}
          {!loaded && !error && <p className="text-zinc-500">Loading…</p>}
          {lines.map((l) => (
            <div key={l.seq} className="flex gap-3 hover:bg-white/5" data-stream={l.stream}>
              <span className="shrink-0 text-zinc-500 tabular-nums" title={new Date(l.time).toLocaleString()}>
                {clock(l.time)}
              </span>
              <span className="w-14 shrink-0 text-zinc-500 tabular-nums" title="Process id">
                {l.pid ?? ""}
              </span>
              <span className={cn("w-12 shrink-0", STREAM_STYLE[l.stream])}>{l.stream}</span>
              <span className={cn("min-w-0 whitespace-pre-wrap wrap-anywhere", l.stream === "event" ? "text-sky-100" : "text-zinc-100")}>{l.text}</span>
            </div>
          ))}
        </div>
        {unseen > 0 && (
          <button
            type="button"
            onClick={toBottom}
            className="absolute right-4 bottom-3 rounded-full bg-brand-600 px-3 py-1 text-xs font-medium text-white shadow-md hover:bg-brand-700"
          >
            {unseen} new {unseen === 1 ? "line" : "lines"} ↓
          </button>
        )}
      </div>
    </Card>
  );
}
