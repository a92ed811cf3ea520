import pg from "pg";
import type { AuditEvent } from "../../gateway/ports";
import type { PingableAuditStore } from "../../gateway/audit/writer";
import { pgJsonText } from "./pg-safe";

// The whole batch is one statement with one jsonb parameter. Prisma's createMany planned a new
// query in WebAssembly for every batch (its parameter count changes with the batch size) and cost
// ~600 µs of CPU per event, more than proxying the call it recorded; this costs ~15 µs
// (bench/gateway-audit-store.bench.ts, docs/performance.md "Gateway"). Idempotent by event id
// (ON CONFLICT DO NOTHING), which is what lets the AuditWriter retry a batch that failed halfway.
const INSERT_BATCH = `
INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", "grantId", "sessionId", "requestId", method, tool, operation, decision,
  "rulePointer", message, "policyVersion", "argKeys", args, "latencyMs", "upstreamStatus", "approvalId")
SELECT id, time, "orgId", "serverId", "grantId", "sessionId", "requestId", method, tool, operation, decision,
  "rulePointer", message, "policyVersion", "argKeys", args, "latencyMs", "upstreamStatus", "approvalId"
FROM jsonb_to_recordset($1::jsonb) AS r(id text, time timestamp(3), "orgId" text, "serverId" text, "grantId" text,
  "sessionId" text, "requestId" text, method text, tool text, operation text, decision text, "rulePointer" text, message text,
  "policyVersion" int, "argKeys" text[], args jsonb, "latencyMs" float8, "upstreamStatus" int, "approvalId" text)
ON CONFLICT (id) DO NOTHING`;

/**
 * Audit events into PostgreSQL over a small pool of its own (the writer sends one batch at a
 * time, so two connections are plenty and the dashboard's pool is never starved by it).
 */
export class PgAuditStore implements PingableAuditStore {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 2, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
    // An idle connection dropped by a PostgreSQL restart must not crash the process; the next
    // write gets a fresh connection or fails and is retried by the writer.
    this.pool.on("error", () => {});
  }

  async writeBatch(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.pool.query(INSERT_BATCH, [auditBatchJson(events)]);
  }

  /** Reachable and the table exists: a failing write is then the events' fault, not an outage. */
  async ping(): Promise<void> {
    await this.pool.query(`SELECT 1 FROM "AuditEvent" WHERE false`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The batch as the JSON text the statement reads: one row object per event, in column names. */
export function auditBatchJson(events: AuditEvent[]): string {
  const rows = events.map(toAuditRow);
  return pgJsonText(JSON.stringify(rows));
}

/** An event as the statement reads it: time as UTC ISO text; `args` left out for SQL NULL. */
type AuditRow = Omit<AuditEvent, "args"> & { args?: unknown };

export function toAuditRow(e: AuditEvent): AuditRow {
  const row: AuditRow = {
    id: e.id,
    // The column is timestamp(3) without time zone holding UTC, as Prisma writes it.
    time: new Date(e.time).toISOString(),
    orgId: e.orgId,
    serverId: e.serverId,
    grantId: e.grantId,
    sessionId: e.sessionId,
    requestId: e.requestId,
    method: e.method,
    tool: e.tool,
    // Events spilled to disk before this field existed have none.
    operation: e.operation ?? null,
    decision: e.decision,
    rulePointer: e.rulePointer,
    message: e.message,
    policyVersion: intOrNull(e.policyVersion),
    argKeys: e.argKeys,
    latencyMs: e.latencyMs !== null && Number.isFinite(e.latencyMs) ? e.latencyMs : null,
    upstreamStatus: intOrNull(e.upstreamStatus),
    approvalId: e.approvalId,
  };
  // No key → SQL NULL (a JSON null would be stored as the jsonb value null).
  if (e.args !== null && e.args !== undefined) row.args = e.args;
  return row;
}

function intOrNull(n: number | null): number | null {
  return n !== null && Number.isSafeInteger(n) && Math.abs(n) <= 2_147_483_647 ? n : null;
}
