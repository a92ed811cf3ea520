import { ApiClient, ApiFailure } from "./api-client";
import { parseCommand, positiveInt, wantsHelp } from "./args";
import { resolveCredentials } from "./config";
import { EXIT_OK, UsageError, system, type CliIo } from "./io";
import type { AuditEventT, AuditPageT } from "../lib/openapi/schemas";

export const AUDIT_HELP = `usage:
  toolgate audit tail [--server SERVER_ID] [--grant GRANT_ID] [--decision D[,D]] [-n N] [--follow] [--interval S] [--json]
      the latest gateway decisions, oldest first, one line each: time, decision, tool, rule
      -n, --lines N    how many recent events to print first (default 20; 0 with --follow: only new ones)
      -f, --follow     keep polling and print new events as they arrive (Ctrl-C stops, exit 0)
      --interval S     seconds between polls with --follow (default 2)
      --decision D     only these decisions: allow, deny, hide, require_approval, rate_limited
      --json           one JSON object per event and line (NDJSON)`;

/** How far back each poll looks again: events reach the log in batches, not always in time order. */
const LOOKBACK_MS = 60_000;

export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || wantsHelp(rest)) return io.out(AUDIT_HELP), EXIT_OK;
  if (sub === "tail") return tail(rest, io);
  throw new UsageError(`unknown subcommand \`audit ${sub}\`\n\n${AUDIT_HELP}`);
}

export function formatEvent(e: AuditEventT): string {
  return [e.time, e.decision.padEnd(16), (e.tool ?? e.method).padEnd(24), e.rulePointer ?? "-"].join("  ").trimEnd();
}

const byTime = (a: AuditEventT, b: AuditEventT) => (a.time === b.time ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.time < b.time ? -1 : 1);

async function tail(args: string[], io: CliIo): Promise<number> {
  const sys = system(io);
  const { values } = parseCommand(
    args,
    {
      server: { type: "string" },
      grant: { type: "string" },
      decision: { type: "string" },
      lines: { type: "string", short: "n" },
      follow: { type: "boolean", short: "f" },
      interval: { type: "string" },
      json: { type: "boolean" },
    },
    AUDIT_HELP,
    { min: 0, max: 0, names: "no arguments" },
  );
  const count = positiveInt(values.lines, "lines", 20, { min: 0, max: 500 });
  const intervalMs = positiveInt(values.interval, "interval", 2, { min: 1, max: 3600 }) * 1000;
  const api = new ApiClient(resolveCredentials(sys), sys);
  const filter = { serverId: values.server, grantId: values.grant, decision: values.decision };
  const print = (events: AuditEventT[]) => {
    for (const e of events.sort(byTime)) io.out(values.json ? JSON.stringify(e) : formatEvent(e));
  };

  // The newest events first; what was seen is remembered by id for the overlapping polls.
  const seen = new Map<string, number>();
  let newest: number | null = null;
  const remember = (events: AuditEventT[]) => {
    for (const e of events) {
      const t = Date.parse(e.time);
      seen.set(e.id, t);
      if (newest === null || t > newest) newest = t;
    }
  };
  const first = await api.get<AuditPageT>("/api/v1/audit", { ...filter, limit: Math.max(count, 1) });
  remember(first.items);
  print(first.items.slice(0, count));
  if (!values.follow) return EXIT_OK;

  let stopped = false;
  let wake: (() => void) | undefined;
  const unlisten = sys.onInterrupt(() => {
    stopped = true;
    wake?.();
  });
  try {
    if (newest !== null) {
      // Everything up to the newest event printed counts as old: polls look back over it again.
      await walk({ from: new Date(newest - LOOKBACK_MS).toISOString(), to: new Date(newest).toISOString() }, (events) => (remember(events), events.length > 0));
    }
    io.err("following new events (Ctrl-C stops)");
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => (clearTimeout(timer), resolve());
      });
      if (stopped) break;
      try {
        print(await poll());
      } catch (error) {
        // A restart or a network blip should not end a long tail; a revoked key should.
        if (!(error instanceof ApiFailure) || (error.status !== 0 && error.status < 500)) throw error;
        io.err(`warning: ${error.message} (retrying)`);
      }
    }
  } finally {
    unlisten();
  }
  return EXIT_OK;

  /** Reads pages of the filter, newest first, while `more` says the last page was worth it. */
  async function walk(range: { from?: string; to?: string }, more: (unseen: AuditEventT[]) => boolean): Promise<void> {
    let cursor: string | undefined;
    for (;;) {
      const page = await api.get<AuditPageT>("/api/v1/audit", { ...filter, ...range, limit: 500, cursor });
      const unseen = page.items.filter((e) => !seen.has(e.id));
      if (!more(unseen) || !page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  async function poll(): Promise<AuditEventT[]> {
    const from = newest === null ? undefined : new Date(newest - LOOKBACK_MS).toISOString();
    const fresh: AuditEventT[] = [];
    // Pages go back in time: past a page of events all seen before, the rest were seen too.
    await walk({ from }, (unseen) => (fresh.push(...unseen), unseen.length > 0));
    remember(fresh);
    const horizon = (newest ?? 0) - 2 * LOOKBACK_MS;
    for (const [id, t] of seen) if (t < horizon) seen.delete(id);
    return fresh;
  }
}
