import { z } from "zod";
import type { Db } from "../db/client";
import { Prisma } from "../generated/prisma/client";

// The decision log as the dashboard and the API read it: filters that map onto the indexes
// (org + time, + server / grant / tool / decision), keyset pagination by event id (ids are
// time-sortable), exports of the current filter, and the aggregates behind the charts.
export const auditFilterSchema = z.object({
  serverId: z.string().max(100).optional(),
  grantId: z.string().max(100).optional(),
  tool: z.string().max(200).optional(),
  decision: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true, error: "from must be an ISO date-time" }).optional(),
  to: z.iso.datetime({ offset: true, error: "to must be an ISO date-time" }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
  format: z.enum(["json", "csv"]).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export function auditWhere(orgId: string, f: AuditFilter): Prisma.AuditEventWhereInput {
  const decisions = f.decision?.split(",").map((d) => d.trim()).filter(Boolean);
  return {
    orgId,
    ...(f.serverId ? { serverId: f.serverId } : {}),
    ...(f.grantId ? { grantId: f.grantId } : {}),
    ...(f.tool ? { tool: f.tool } : {}),
    ...(decisions?.length ? { decision: { in: decisions } } : {}),
    ...(f.from || f.to ? { time: { ...(f.from ? { gte: new Date(f.from) } : {}), ...(f.to ? { lte: new Date(f.to) } : {}) } } : {}),
  };
}

export async function listAuditEvents(db: Db, orgId: string, f: AuditFilter) {
  const rows = await db.auditEvent.findMany({
    where: auditWhere(orgId, f),
    orderBy: [{ time: "desc" }, { id: "desc" }],
    take: f.limit + 1,
    ...(f.cursor ? { cursor: { id: f.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, f.limit);
  return { items, nextCursor: rows.length > f.limit ? items[items.length - 1].id : null };
}

const CSV_COLUMNS = ["id", "time", "serverId", "grantId", "sessionId", "method", "tool", "decision", "rulePointer", "message", "policyVersion", "argKeys", "latencyMs", "upstreamStatus", "requestId"] as const;

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
  let cursor: string | undefined;
  let n = 0;
  while (n < max) {
    const { items, nextCursor } = await listAuditEvents(db, orgId, { ...f, limit: 500, cursor });
    for (const e of items) out.push(format === "csv" ? CSV_COLUMNS.map((c) => csvCell(e[c])).join(",") : JSON.stringify(e));
    n += items.length;
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return format === "csv" ? out.join("\n") + "\n" : `[${out.join(",\n")}]\n`;
}

export async function auditStats(db: Db, orgId: string, f: AuditFilter) {
  const from = f.from ? new Date(f.from) : new Date(Date.now() - 3600_000);
  const to = f.to ? new Date(f.to) : new Date();
  const where = auditWhere(orgId, { ...f, from: from.toISOString(), to: to.toISOString() });
  const server = f.serverId ? Prisma.sql`AND "serverId" = ${f.serverId}` : Prisma.empty;
  const bucket = to.getTime() - from.getTime() > 6 * 3600_000 ? "hour" : "minute";
  const [series, latency, topTools, topDenied] = await Promise.all([
    db.$queryRaw<{ t: Date; decision: string; n: bigint }[]>`
      SELECT date_trunc(${bucket}, "time") AS t, "decision", count(*) AS n FROM "AuditEvent"
      WHERE "orgId" = ${orgId} AND "time" BETWEEN ${from} AND ${to} ${server} GROUP BY 1, 2 ORDER BY 1`,
    db.$queryRaw<{ t: Date; p50: number | null; p99: number | null }[]>`
      SELECT date_trunc(${bucket}, "time") AS t,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") AS p50,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY "latencyMs") AS p99
      FROM "AuditEvent" WHERE "orgId" = ${orgId} AND "time" BETWEEN ${from} AND ${to} AND "latencyMs" IS NOT NULL ${server}
      GROUP BY 1 ORDER BY 1`,
    db.auditEvent.groupBy({ by: ["tool"], where, _count: { _all: true }, orderBy: { _count: { tool: "desc" } }, take: 10 }),
    db.auditEvent.groupBy({ by: ["rulePointer", "tool"], where: { ...where, decision: { not: "allow" } }, _count: { _all: true }, orderBy: { _count: { rulePointer: "desc" } }, take: 10 }),
  ]);
  return {
    from,
    to,
    bucket,
    series: series.map((s) => ({ t: s.t, decision: s.decision, count: Number(s.n) })),
    latency: latency.map((l) => ({ t: l.t, p50: l.p50, p99: l.p99 })),
    topTools: topTools.map((t) => ({ tool: t.tool, count: t._count._all })),
    topDeniedRules: topDenied.map((t) => ({ rule: t.rulePointer, tool: t.tool, count: t._count._all })),
  };
}

export async function listAdminLog(db: Db, orgId: string, limit: number, cursor?: string) {
  const rows = await db.adminAuditLog.findMany({
    where: { orgId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}
