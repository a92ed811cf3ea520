import type { AuditEvent } from "../../gateway/ports";
import type { PingableAuditStore } from "../../gateway/audit/writer";
import { getDb, type Db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { pgJson, pgText, pgTextOrNull } from "./pg-safe";

/**
 * Audit events into PostgreSQL. Idempotent by event id (ON CONFLICT DO NOTHING through
 * skipDuplicates), which is what lets the AuditWriter retry a batch that failed halfway.
 */
export class PrismaAuditStore implements PingableAuditStore {
  constructor(private readonly db: Db = getDb()) {}

  async writeBatch(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.auditEvent.createMany({ data: events.map(toAuditRow), skipDuplicates: true }).catch(rethrowConcise);
  }

  /** Reachable and the table exists: a failing write is then the events' fault, not an outage. */
  async ping(): Promise<void> {
    await this.db.$queryRaw`SELECT 1 FROM "AuditEvent" WHERE false`.catch(rethrowConcise);
  }
}

/**
 * Prisma's messages quote the calling source over several lines and put the cause last; the
 * writer logs and reports errors on one line, so keep the cause (the original stays as cause).
 */
function rethrowConcise(error: unknown): never {
  const lines = (error instanceof Error ? error.message : String(error)).split("\n").filter((l) => l.trim() !== "");
  throw new Error(lines.at(-1)?.trim() ?? "audit write failed", { cause: error });
}

export function toAuditRow(e: AuditEvent): Prisma.AuditEventCreateManyInput {
  return {
    id: e.id,
    time: new Date(e.time),
    orgId: e.orgId,
    serverId: pgText(e.serverId),
    grantId: e.grantId,
    sessionId: pgTextOrNull(e.sessionId),
    requestId: pgTextOrNull(e.requestId),
    method: pgText(e.method),
    tool: pgTextOrNull(e.tool),
    decision: e.decision,
    rulePointer: pgTextOrNull(e.rulePointer),
    message: pgTextOrNull(e.message),
    policyVersion: intOrNull(e.policyVersion),
    argKeys: e.argKeys.map(pgText),
    args: e.args === null || e.args === undefined ? Prisma.DbNull : (pgJson(e.args) as Prisma.InputJsonValue),
    latencyMs: e.latencyMs !== null && Number.isFinite(e.latencyMs) ? e.latencyMs : null,
    upstreamStatus: intOrNull(e.upstreamStatus),
    approvalId: e.approvalId,
  };
}

function intOrNull(n: number | null): number | null {
  return n !== null && Number.isSafeInteger(n) && Math.abs(n) <= 2_147_483_647 ? n : null;
}
