import type { Db } from "../db/client";
import type { Actor } from "../admin-audit/record";
import { recordAdminChange } from "../admin-audit/record";
import { ApiError } from "../api/errors";
import { approvalEvents } from "./events";

// Approving or denying a request. One UPDATE guarded by `status = 'pending'` decides it, so of
// two approvers deciding at once exactly one wins and the other is told who did; the admin audit
// entry is written in the same transaction. An approval is then usable once, for as long as the
// request had to wait (the rule's timeout), counted from the decision. A denial stays in force
// until the request's own expiry: the agent retrying the same call meanwhile is told the reason.

export type ApprovalDecision = "approved" | "denied";

const NOW = `(now() AT TIME ZONE 'UTC')`;

export interface DecidedApproval {
  id: string;
  status: ApprovalDecision;
  decidedAt: Date;
  expiresAt: Date;
  comment: string | null;
}

export async function decideApproval(db: Db, actor: Actor, orgId: string, id: string, decision: ApprovalDecision, comment: string | null): Promise<DecidedApproval> {
  const decided = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<(DecidedApproval & { tool: string; grantId: string; serverId: string })[]>(
      `UPDATE "Approval"
       SET status = $3::"ApprovalStatus", "decidedById" = $4, "decidedAt" = ${NOW}, comment = $5,
           "expiresAt" = CASE WHEN $3 = 'approved' THEN ${NOW} + ("expiresAt" - "requestedAt") ELSE "expiresAt" END
       WHERE id = $1 AND "orgId" = $2 AND status = 'pending' AND "expiresAt" > ${NOW}
       RETURNING id, status::text AS status, "decidedAt", "expiresAt", comment, tool, "grantId", "serverId"`,
      id,
      orgId,
      decision,
      actor.id ?? actor.label,
      comment,
    );
    const row = rows[0];
    if (!row) throw await whyNotPending(tx as unknown as Db, orgId, id);
    await recordAdminChange(tx, actor, {
      orgId,
      action: decision === "approved" ? "approval.approved" : "approval.denied",
      targetType: "approval",
      targetId: id,
      details: { tool: row.tool, grantId: row.grantId, serverId: row.serverId, comment },
    });
    return { id: row.id, status: row.status, decidedAt: row.decidedAt, expiresAt: row.expiresAt, comment: row.comment };
  });
  approvalEvents().emit("decided", { approvalId: id, orgId, status: decision });
  return decided;
}

async function whyNotPending(db: Db, orgId: string, id: string): Promise<ApiError> {
  const rows = await db.$queryRawUnsafe<{ status: string; decidedAt: Date | null; decidedById: string | null; expiresAt: Date; expired: boolean }[]>(
    `SELECT status::text AS status, "decidedAt", "decidedById", "expiresAt", "expiresAt" <= ${NOW} AS expired FROM "Approval" WHERE id = $1 AND "orgId" = $2`,
    id,
    orgId,
  );
  const row = rows[0];
  if (!row) return new ApiError("not_found", "no approval request with this id");
  if (row.status === "pending" || row.status === "expired") return new ApiError("conflict", `this request expired at ${row.expiresAt.toISOString()} without a decision`, { status: "expired" });
  const when = row.decidedAt ? ` at ${row.decidedAt.toISOString()}` : "";
  return new ApiError("conflict", `this request was already decided (${row.status})${when}`, { status: row.status, decidedById: row.decidedById });
}
