import type { ApprovalKey, ApprovalState, ApprovalStore } from "../../gateway/ports";
import { getDb, type Db } from "../db/client";
import { pgJsonText } from "./pg-safe";

// Approval requests in PostgreSQL, shared by every replica. Times are compared in UTC (the
// columns are timestamp(3) without time zone holding UTC, as Prisma writes them), whatever the
// session's time zone.
const NOW = `(now() AT TIME ZONE 'UTC')`;

interface Row {
  id: string;
  status: ApprovalState["status"];
  comment: string | null;
  expiresAt: Date;
}

export interface ApprovalStoreOptions {
  /** Called once for each request created (notifications: webhook, dashboard badge). */
  onRequested?: (approvalId: string, orgId: string) => void;
}

export class PrismaApprovalStore implements ApprovalStore {
  constructor(
    private readonly db: Db = getDb(),
    private readonly options: ApprovalStoreOptions = {},
  ) {}

  async consume(key: ApprovalKey): Promise<string | null> {
    // SKIP LOCKED: of two replicas racing for one approval, one gets it, the other none.
    const rows = await this.db.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE "Approval" SET status = 'used', "usedAt" = ${NOW}
       WHERE id = (
         SELECT id FROM "Approval"
         WHERE "grantId" = $1 AND "serverId" = $2 AND tool = $3 AND "argsDigest" = $4 AND "ruleDigest" = $5
           AND status = 'approved' AND "expiresAt" > ${NOW}
         ORDER BY "decidedAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
       AND status = 'approved'
       RETURNING id`,
      key.grantId,
      key.serverId,
      key.tool,
      key.argsDigest,
      key.ruleDigest,
    );
    return rows[0]?.id ?? null;
  }

  async request(key: ApprovalKey, args: Record<string, unknown>, options: { timeoutSeconds: number; approvers: readonly string[] }): Promise<ApprovalState> {
    const latest = await this.latest(key);
    const live = latest !== null && latest.expiresAt.getTime() > Date.now();
    if (live && (latest.status === "pending" || latest.status === "denied" || latest.status === "approved")) {
      // approved: another replica used it between consume() and here, or it is about to be; the
      // agent is told to retry, which uses it or asks again.
      return { ...latest, status: latest.status === "approved" ? "pending" : latest.status };
    }
    let previousExpiredId: string | undefined;
    if (latest !== null && (latest.status === "pending" || latest.status === "expired")) {
      previousExpiredId = latest.id;
      // Free the one-pending-per-call slot now rather than waiting for the sweeper.
      await this.db.$executeRawUnsafe(`UPDATE "Approval" SET status = 'expired' WHERE id = $1 AND status = 'pending'`, latest.id);
    }
    const created = await this.db.$queryRawUnsafe<Row[]>(
      `INSERT INTO "Approval" (id, "orgId", "serverId", "grantId", tool, "argsDigest", args, "policyVersion", "rulePointer", "ruleDigest", status, "requestedAt", "expiresAt", approvers)
       VALUES ('apr_' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, 'pending', ${NOW}, ${NOW} + make_interval(secs => $10), $11::text[])
       ON CONFLICT ("grantId", "serverId", tool, "argsDigest", "ruleDigest") WHERE status = 'pending' DO NOTHING
       RETURNING id, status::text AS status, comment, "expiresAt"`,
      key.orgId,
      key.serverId,
      key.grantId,
      key.tool,
      key.argsDigest,
      pgJsonText(JSON.stringify(args)),
      key.policyVersion,
      key.rulePointer,
      key.ruleDigest,
      options.timeoutSeconds,
      [...options.approvers],
    );
    if (created[0]) {
      this.options.onRequested?.(created[0].id, key.orgId);
      return { ...created[0], previousExpiredId };
    }
    // Another request for the same call was created at the same moment: share it.
    const raced = await this.latest(key);
    if (!raced) throw new Error("approval request vanished");
    return raced;
  }

  async get(id: string): Promise<ApprovalState | null> {
    const rows = await this.db.$queryRawUnsafe<Row[]>(`SELECT id, status::text AS status, comment, "expiresAt" FROM "Approval" WHERE id = $1`, id);
    return rows[0] ?? null;
  }

  /** Closes requests past their expiry (pending, and approved but never used); returns how many. */
  async expire(): Promise<number> {
    return this.db.$executeRawUnsafe(`UPDATE "Approval" SET status = 'expired' WHERE status IN ('pending', 'approved') AND "expiresAt" <= ${NOW}`);
  }

  private async latest(key: ApprovalKey): Promise<Row | null> {
    const rows = await this.db.$queryRawUnsafe<Row[]>(
      `SELECT id, status::text AS status, comment, "expiresAt" FROM "Approval"
       WHERE "grantId" = $1 AND "serverId" = $2 AND tool = $3 AND "argsDigest" = $4 AND "ruleDigest" = $5
       ORDER BY "requestedAt" DESC, id DESC LIMIT 1`,
      key.grantId,
      key.serverId,
      key.tool,
      key.argsDigest,
      key.ruleDigest,
    );
    return rows[0] ?? null;
  }
}
