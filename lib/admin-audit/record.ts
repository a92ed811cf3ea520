import type { Prisma } from "../generated/prisma/client";

// Every change to servers, policies, grants, members, keys and invitations is written to the
// admin audit log in the same transaction as the change itself: both land, or neither.
export interface Actor {
  type: "user" | "api_key" | "system";
  id: string | null;
  label: string | null;
}

export interface AdminChange {
  orgId: string;
  action: string; // e.g. "member.role_changed"
  targetType: string;
  targetId?: string | null;
  details?: Prisma.InputJsonValue;
}

export async function recordAdminChange(tx: Prisma.TransactionClient, actor: Actor, change: AdminChange) {
  await tx.adminAuditLog.create({
    data: {
      orgId: change.orgId,
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId ?? null,
      details: change.details ?? {},
    },
  });
}
