import type { Db } from "../db/client";
import type { Actor } from "../admin-audit/record";
import { ApiError } from "../api/errors";
import type { Principal } from "../api/principal";
import type { Role } from "../auth/permissions";
import { decideApproval, type ApprovalDecision, type Decider } from "./decide";
import { startApprovalNotifier } from "./webhook";
import { deciderLabel, getApproval, resolveDeciders, type ApprovalItem } from "./queries";

/** An API caller as approvals see them: a person's email counts where a rule names it; an API key has none. */
export function approvalCaller(ctx: { actor: Actor; role: Role; principal: Principal }): Decider {
  return { actor: ctx.actor, role: ctx.role, email: ctx.principal.kind === "user" ? ctx.principal.email : null };
}

/**
 * decideApproval for the API: answers the request as GET /approvals/{id} shows it. A 409 (decided
 * first by someone else, or expired) passes through with who decided, for people, in the message
 * and in `details.decidedBy`.
 */
export async function decideAndDescribe(db: Db, decider: Decider, orgId: string, id: string, decision: ApprovalDecision, comment: string | null): Promise<ApprovalItem> {
  // A replica that decides before its gateway ever ran still notifies (idempotent).
  startApprovalNotifier();
  // Ids of other organizations are not found, before anything is decided.
  await getApproval(db, orgId, id, decider);
  try {
    await decideApproval(db, decider, orgId, id, decision, comment);
  } catch (err) {
    if (err instanceof ApiError && err.code === "conflict") {
      const details = (err.details ?? {}) as { status?: string; decidedById?: string | null };
      if (details.decidedById) {
        const who = (await resolveDeciders(db, orgId, [details.decidedById])).get(details.decidedById) ?? null;
        throw new ApiError("conflict", `${err.message} by ${deciderLabel(who)}`, { status: details.status, decidedBy: who });
      }
      throw new ApiError("conflict", err.message, { status: details.status });
    }
    throw err;
  }
  return getApproval(db, orgId, id, decider);
}
