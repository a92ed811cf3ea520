import { ApiClient, ApiFailure, PAGE_SIZE } from "./api-client";
import { parseCommand, positiveInt, wantsHelp } from "./args";
import { resolveCredentials } from "./config";
import { EXIT_OK, UsageError, system, type CliIo } from "./io";
import { toolLabel } from "../lib/client/audit";
import type { AuditEventT, AuditPageT } from "../lib/openapi/schemas";

export const AUDIT_HELP = `usage:
  toolgate audit tail [--server SERVER_ID] [--grant GRANT_ID] [--tool TOOL] [--operation OP] [--decision D[,D]] [-n N] [--follow] [--interval S] [--json]
      the latest gateway decisions, oldest first, one line each: time, decision, tool (· operation), rule
      -n, --lines N    how many recent events to print first (default 20; 0 with --follow: only new ones)
      -f, --follow     keep polling and print new events as they arrive (Ctrl-C stops, exit 0)
      --interval S     seconds between polls with --follow (default 2)
      --tool TOOL      only calls of this tool (exact name)
      --operation OP   only calls of this operation of a multiplexed tool (exact name)
      --decision D     only these decisions: allow, deny, hide, require_approval, rate_limited
      --json           one JSON object per event and line (NDJSON)`;

/**
 * How far back each poll reads again: events reach the log in batches (a replica's batch may land
 * after newer events of another), so following starts a minute before the newest event seen.
 */
const LOOKBACK_MS = 60_000;

export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || wantsHelp(rest)) return io.out(AUDIT_HELP), EXIT_OK;
  if (sub === "tail") return tail(rest, io);
  throw new UsageError(`unknown subcommand \`audit ${sub}\`\n\n${AUDIT_HELP}`);
}

export function formatEvent(e: AuditEventT): string {
  return [e.time, e.decision.padEnd(16), toolLabel(e).padEnd(24), e.rulePointer ?? "-"].join("  ").trimEnd();
}

const byTime = (a: AuditEventT, b: AuditEventT) => (a.time === b.time ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.time < b.time ? -1 : 1);

async function tail(args: string[], io: CliIo): Promise<number> {
  const sys = system(io);
  const { values } = parseCommand(
    args,
    {
      server: { type: "string" },
      grant: { type: "string" },
      tool: { type: "string" },
      operation: { type: "string" },
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
  const filter = { serverId: values.server, grantId: values.grant, tool: values.tool, operation: values.operation, decision: values.decision };
  const print = (events: AuditEventT[]) => {
    for (const e of events.sort(byTime)) io.out(values.json ? JSON.stringify(e) : formatEvent(e));
  };

  const first = await api.get<AuditPageT>("/api/v1/audit", { ...filter, limit: Math.max(count, 1) });
  print(first.items.slice(0, count));
  if (!values.follow) return EXIT_OK;

  // Following reads the log forwards (`after`) from an anchor: an event seen a minute before the
  // newest one, so that late arrivals are still printed; events seen since are skipped by id. A
  // log with nothing that old yet is read newest first, back to a minute before the newest event.
  const seen = new Map<string, number>();
  let newest = Number.NEGATIVE_INFINITY;
  let anchor: string | undefined;
  const remember = (events: AuditEventT[]) => {
    for (const e of events) {
      const t = Date.parse(e.time);
      seen.set(e.id, t);
      if (t > newest) newest = t;
    }
  };
  /** The newest event seen older than the look-back becomes the anchor; older ones are forgotten. */
  const reanchor = () => {
    let best: [string, number] | undefined;
    for (const [id, t] of seen) if (t < newest - LOOKBACK_MS && (!best || t > best[1] || (t === best[1] && id > best[0]))) best = [id, t];
    if (!best) return;
    anchor = best[0];
    for (const [id, t] of seen) if (t < best[1] || (t === best[1] && id < best[0])) seen.delete(id);
  };
  /** The events not seen yet (up to `to`), remembered. */
  const read = async (to?: string): Promise<AuditEventT[]> => {
    const fresh: AuditEventT[] = [];
    if (anchor) {
      let after = anchor;
      for (;;) {
        const page = await api.get<AuditPageT>("/api/v1/audit", { ...filter, to, limit: PAGE_SIZE, after });
        fresh.push(...page.items.filter((e) => !seen.has(e.id)));
        if (page.items.length < PAGE_SIZE || !page.nextCursor) break;
        after = page.nextCursor;
      }
    } else {
      const from = Number.isFinite(newest) ? new Date(newest - LOOKBACK_MS).toISOString() : undefined;
      let cursor: string | undefined;
      do {
        const page = await api.get<AuditPageT>("/api/v1/audit", { ...filter, from, to, limit: PAGE_SIZE, cursor });
        const unseen = page.items.filter((e) => !seen.has(e.id));
        fresh.push(...unseen);
        // Pages go back in time: past a page of events all seen before, the rest were seen too.
        cursor = unseen.length > 0 ? (page.nextCursor ?? undefined) : undefined;
      } while (cursor);
    }
    remember(fresh);
    reanchor();
    return fresh;
  };
  remember(first.items);
  if (first.items.length > 0) {
    // The anchor: the newest event before the look-back. Then everything up to the newest event
    // printed counts as seen.
    const older = await api.get<AuditPageT>("/api/v1/audit", { ...filter, to: new Date(newest - LOOKBACK_MS - 1).toISOString(), limit: 1 });
    remember(older.items);
    reanchor();
    await read(new Date(newest).toISOString());
  }

  let stopped = false;
  let wake: (() => void) | undefined;
  const unlisten = sys.onInterrupt(() => {
    stopped = true;
    wake?.();
  });
  try {
    io.err("following new events (Ctrl-C stops)");
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => (clearTimeout(timer), resolve());
      });
      if (stopped) break;
      try {
        print(await read());
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
}
