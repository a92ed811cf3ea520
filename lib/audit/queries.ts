import type { Db } from "../db/client";
import { Prisma, type AuditEvent } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { encodeCursor, pageArgs, toPage, type KeyValue, type Page } from "../api/pagination";
import { AUDIT_FORWARD, AUDIT_ORDER, NEWEST_FIRST } from "../validation/lists";
import type { AuditFilter, AuditListQuery } from "../validation/audit";

// The decision log as the dashboard and the API read it: filters that map onto the indexes
// (org + time, + server / grant / tool / decision; a multiplexed tool's operation is read within
// those), keyset pages by (time, id) — newest first, or
// forwards from a position (`after`, to follow the log) — exports of the current filter, and the
// aggregates behind the charts, which honour the same filters.

export function auditWhere(orgId: string, f: AuditFilter): Prisma.AuditEventWhereInput {
  return {
    orgId,
    ...(f.serverId ? { serverId: f.serverId } : {}),
    ...(f.grantId ? { grantId: f.grantId } : {}),
    ...(f.tool ? { tool: f.tool } : {}),
    ...(f.operation ? { operation: f.operation } : {}),
    ...(f.decision?.length ? { decision: { in: f.decision } } : {}),
    ...(f.from || f.to ? { time: { ...(f.from ? { gte: new Date(f.from) } : {}), ...(f.to ? { lte: new Date(f.to) } : {}) } } : {}),
  };
}

const eventKey = (e: { time: Date; id: string }): KeyValue[] => [e.time, e.id];

/**
 * A page of the log: newest first, or with `after` the events that come after a position,
 * oldest first; then `nextCursor` is where the last one stands (pass it as `after` again), null
 * when nothing newer was there.
 */
export async function listAuditEvents(db: Db, orgId: string, q: Omit<AuditListQuery, "format">): Promise<Page<AuditEvent>> {
  const where = auditWhere(orgId, q);
  if (!q.after) return toPage(await db.auditEvent.findMany(pageArgs(where, AUDIT_ORDER, q)), q.limit, eventKey);
  let key: KeyValue[];
  if ("eventId" in q.after) {
    const at = await db.auditEvent.findFirst({ where: { id: q.after.eventId, orgId }, select: { time: true, id: true } });
    if (!at) throw new ApiError("validation_failed", "after: no event with this id in this organization", { fields: { after: "no event with this id in this organization" } });
    key = eventKey(at);
  } else {
    key = q.after.key;
  }
  const items = await db.auditEvent.findMany({ ...pageArgs(where, AUDIT_FORWARD, { limit: q.limit, cursor: key }), take: q.limit });
  return { items, nextCursor: items.length ? encodeCursor(eventKey(items[items.length - 1])) : null };
}

const CSV_COLUMNS = ["id", "time", "serverId", "grantId", "sessionId", "method", "tool", "operation", "decision", "rulePointer", "message", "policyVersion", "argKeys", "latencyMs", "upstreamStatus", "requestId"] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(";") : String(v);
  // Quote always-needed cases, and neutralise spreadsheet formulas (=, +, -, @ at the start).
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Up to `max` events of the filter, newest first, as CSV or JSON lines of an array. */
export async function exportAuditEvents(db: Db, orgId: string, f: AuditFilter, format: "csv" | "json", max = 50_000): Promise<string> {
  const out: string[] = [];
  if (format === "csv") out.push(CSV_COLUMNS.join(","));
  const where = auditWhere(orgId, f);
  let cursor: KeyValue[] | undefined;
  let n = 0;
  while (n < max) {
    const rows = await db.auditEvent.findMany(pageArgs(where, AUDIT_ORDER, { limit: Math.min(1000, max - n), cursor }));
    const { items, nextCursor } = toPage(rows, Math.min(1000, max - n), eventKey);
    for (const e of items) out.push(format === "csv" ? CSV_COLUMNS.map((c) => csvCell(e[c])).join(",") : JSON.stringify(e));
    n += items.length;
    if (!nextCursor) break;
    cursor = eventKey(items[items.length - 1]);
  }
  return format === "csv" ? out.join("\n") + "\n" : `[${out.join(",\n")}]\n`;
}

/** The filter as SQL over "AuditEvent" (for the aggregates Prisma cannot express). */
function auditSql(orgId: string, f: AuditFilter, from: Date, to: Date): Prisma.Sql {
  const parts = [Prisma.sql`"orgId" = ${orgId}`, Prisma.sql`"time" BETWEEN ${from} AND ${to}`];
  if (f.serverId) parts.push(Prisma.sql`"serverId" = ${f.serverId}`);
  if (f.grantId) parts.push(Prisma.sql`"grantId" = ${f.grantId}`);
  if (f.tool) parts.push(Prisma.sql`"tool" = ${f.tool}`);
  if (f.operation) parts.push(Prisma.sql`"operation" = ${f.operation}`);
  if (f.decision?.length) parts.push(Prisma.sql`"decision" IN (${Prisma.join(f.decision)})`);
  return Prisma.join(parts, " AND ");
}

/**
 * The charts of a filter (every filter of the list applies): calls per minute or hour by
 * decision, latency p50/p99, top tools, and top denying rules with the server and the policy each
 * rule is in (the grant's own policy when it has one, else the server's, as they are now).
 */
export async function auditStats(db: Db, orgId: string, f: AuditFilter) {
  const from = f.from ? new Date(f.from) : new Date(Date.now() - 3600_000);
  const to = f.to ? new Date(f.to) : new Date();
  const where = auditWhere(orgId, { ...f, from: from.toISOString(), to: to.toISOString() });
  const sql = auditSql(orgId, f, from, to);
  const bucket = to.getTime() - from.getTime() > 6 * 3600_000 ? "hour" : "minute";
  const [series, latency, topTools, topDenied] = await Promise.all([
    db.$queryRaw<{ t: Date; decision: string; n: bigint }[]>`
      SELECT date_trunc(${bucket}, "time") AS t, "decision", count(*) AS n FROM "AuditEvent"
      WHERE ${sql} GROUP BY 1, 2 ORDER BY 1`,
    db.$queryRaw<{ t: Date; p50: number | null; p99: number | null }[]>`
      SELECT date_trunc(${bucket}, "time") AS t,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") AS p50,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY "latencyMs") AS p99
      FROM "AuditEvent" WHERE ${sql} AND "latencyMs" IS NOT NULL
      GROUP BY 1 ORDER BY 1`,
    db.auditEvent.groupBy({ by: ["tool"], where, _count: { _all: true }, orderBy: [{ _count: { tool: "desc" } }, { tool: "asc" }], take: 10 }),
    db.$queryRaw<{ serverId: string; policyId: string | null; scope: "server" | "grant" | null; rule: string | null; tool: string | null; n: bigint }[]>`
      SELECT e."serverId", p."policyId",
        CASE WHEN p."policyId" IS NULL THEN NULL WHEN p."policyId" = s."policyId" THEN 'server' ELSE 'grant' END AS scope,
        e."rulePointer" AS rule, e."tool", sum(e.n)::bigint AS n
      FROM (SELECT "serverId", "grantId", "rulePointer", "tool", count(*) AS n FROM "AuditEvent"
            WHERE ${sql} AND "decision" <> 'allow' GROUP BY 1, 2, 3, 4) e
      LEFT JOIN "Grant" g ON g."id" = e."grantId"
      LEFT JOIN "Server" s ON s."id" = e."serverId"
      CROSS JOIN LATERAL (SELECT COALESCE(g."policyId", s."policyId") AS "policyId") p
      GROUP BY 1, 2, 3, 4, 5 ORDER BY n DESC, rule, e."tool" LIMIT 10`,
  ]);
  return {
    from,
    to,
    bucket,
    series: series.map((s) => ({ t: s.t, decision: s.decision, count: Number(s.n) })),
    latency: latency.map((l) => ({ t: l.t, p50: l.p50, p99: l.p99 })),
    topTools: topTools.map((t) => ({ tool: t.tool, count: t._count._all })),
    topDeniedRules: topDenied.map((t) => ({ rule: t.rule, tool: t.tool, serverId: t.serverId, policyId: t.policyId, policyScope: t.scope, count: Number(t.n) })),
  };
}

export async function listAdminLog(db: Db, orgId: string, q: { limit: number; cursor?: KeyValue[] }) {
  const rows = await db.adminAuditLog.findMany(pageArgs({ orgId }, NEWEST_FIRST, q));
  return toPage(rows, q.limit, (r) => [r.createdAt, r.id]);
}
