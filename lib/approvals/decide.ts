import type { Db } from "../db/client";
import type { Actor } from "../admin-audit/record";
import { recordAdminChange } from "../admin-audit/record";
import { ApiError } from "../api/errors";
import { can, type Role } from "../auth/permissions";
import { approvalEvents } from "./events";

// Approving or denying a request. One UPDATE guarded by `status = 'pending'` decides it, so of
// two approvers deciding at once exactly one wins and the other is told who did; the admin audit
// entry is written in the same transaction. An approval is then usable once, for as long as the
// request had to wait (the rule's timeout), counted from the decision. A denial stays in force
// until the request's own expiry: the agent retrying the same call meanwhile is told the reason.
// Who may decide: a role with `approvals.decide` (admins, policy managers), or a person whose
// email the rule names in `approval.approvers` (that request only, whatever their role). An API
// key is nobody's email: only its role counts.

export type ApprovalDecision = "approved" | "denied";

const NOW = `(now() AT TIME ZONE 'UTC')`;

export interface DecidedApproval {
  id: string;
  status: ApprovalDecision;
  decidedAt: Date;
  expiresAt: Date;
  comment: string | null;
}

/** Who is deciding: the admin log's actor, their role in the organization, and a person's email (null for an API key). */
export interface Decider {
  actor: Actor;
  role: Role;
  email: string | null;
}

/** Whether this caller may decide a request that names these approvers (the request's state aside). */
export function mayDecide(caller: Pick<Decider, "role" | "email">, approvers: readonly string[]): boolean {
  return can(caller.role, "approvals.decide") || (caller.email !== null && approvers.includes(caller.email.toLowerCase()));
}

export async function decideApproval(db: Db, decider: Decider, orgId: string, id: string, decision: ApprovalDecision, comment: string | null): Promise<DecidedApproval> {
  const { actor } = decider;
  const byRole = can(decider.role, "approvals.decide");
  const decided = await db.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<(DecidedApproval & { tool: string; grantId: string; serverId: string })[]>(
      `UPDATE "Approval"
       SET status = $3::"ApprovalStatus", "decidedById" = $4, "decidedAt" = ${NOW}, comment = $5,
           "expiresAt" = CASE WHEN $3 = 'approved' THEN ${NOW} + ("expiresAt" - "requestedAt") ELSE "expiresAt" END
       WHERE id = $1 AND "orgId" = $2 AND status = 'pending' AND "expiresAt" > ${NOW}
         AND ($6 OR lower($7::text) = ANY(approvers))
       RETURNING id, status::text AS status, "decidedAt", "expiresAt", comment, tool, "grantId", "serverId"`,
      id,
      orgId,
      decision,
      actor.id ?? actor.label,
      comment,
      byRole,
      decider.email,
    );
    const row = rows[0];
    if (!row) throw await whyNotDecided(tx as unknown as Db, decider, orgId, id);
    await recordAdminChange(tx, actor, {
      orgId,
      action: decision === "approved" ? "approval.approved" : "approval.denied",
      targetType: "approval",
      targetId: id,
      // `via`: the decider's role allows deciding any request, or the rule names them.
      details: { tool: row.tool, grantId: row.grantId, serverId: row.serverId, comment, via: byRole ? "role" : "named_approver" },
    });
    return { id: row.id, status: row.status, decidedAt: row.decidedAt, expiresAt: row.expiresAt, comment: row.comment };
  });
  approvalEvents().emit("decided", { approvalId: id, orgId, status: decision });
  return decided;
}

async function whyNotDecided(db: Db, decider: Decider, orgId: string, id: string): Promise<ApiError> {
  const rows = await db.$queryRawUnsafe<{ status: string; decidedAt: Date | null; decidedById: string | null; expiresAt: Date; approvers: string[] | null }[]>(
    `SELECT status::text AS status, "decidedAt", "decidedById", "expiresAt", approvers FROM "Approval" WHERE id = $1 AND "orgId" = $2`,
    id,
    orgId,
  );
  const row = rows[0];
  if (!row) return new ApiError("not_found", "no approval request with this id");
  if (!mayDecide(decider, row.approvers ?? [])) {
    const who = decider.email === null ? "an API key cannot be named as an approver" : "the rule does not name you as an approver";
    return new ApiError("forbidden", `your role (${decider.role}) does not allow deciding approvals (needs approvals.decide), and ${who}`);
  }
  if (row.status === "pending" || row.status === "expired") return new ApiError("conflict", `this request expired at ${row.expiresAt.toISOString()} without a decision`, { status: "expired" });
  const when = row.decidedAt ? ` at ${row.decidedAt.toISOString()}` : "";
  return new ApiError("conflict", `this request was already decided (${row.status})${when}`, { status: row.status, decidedById: row.decidedById });
}
