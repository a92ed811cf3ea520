import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import type { Role } from "../auth/permissions";
import { pageArgs, toPage, type KeyValue } from "../api/pagination";
import { OLDEST_FIRST } from "../validation/lists";

/** A page of the organization's members, oldest first. */
export async function listMembers(db: Db, orgId: string, q: { limit: number; cursor?: KeyValue[] }) {
  const rows = await db.membership.findMany({
    ...pageArgs({ orgId }, OLDEST_FIRST, q),
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return toPage(rows, q.limit, (m) => [m.createdAt, m.id]);
}

/**
 * Changes a member's role. An organization always keeps at least one admin, checked inside
 * the transaction (with the admin rows locked) so that two concurrent demotions cannot both pass.
 */
export async function changeRole(db: Db, actor: Actor, orgId: string, membershipId: string, role: Role) {
  return db.$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: membershipId, orgId }, include: { user: { select: { email: true } } } });
    if (!m) throw new ApiError("not_found", "no member with this id");
    if (m.role === role) return m;
    if (m.role === "admin") await assertAnotherAdmin(tx, orgId, m.id);
    const updated = await tx.membership.update({ where: { id: m.id }, data: { role } });
    await recordAdminChange(tx, actor, {
      orgId,
      action: "member.role_changed",
      targetType: "member",
      targetId: m.userId,
      details: { email: m.user.email, from: m.role, to: role },
    });
    return updated;
  });
}

export async function removeMember(db: Db, actor: Actor, orgId: string, membershipId: string) {
  await db.$transaction(async (tx) => {
    const m = await tx.membership.findFirst({ where: { id: membershipId, orgId }, include: { user: { select: { email: true } } } });
    if (!m) throw new ApiError("not_found", "no member with this id");
    if (m.role === "admin") await assertAnotherAdmin(tx, orgId, m.id);
    await tx.membership.delete({ where: { id: m.id } });
    await recordAdminChange(tx, actor, { orgId, action: "member.removed", targetType: "member", targetId: m.userId, details: { email: m.user.email } });
  });
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function assertAnotherAdmin(tx: Tx, orgId: string, exceptMembershipId: string) {
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Membership" WHERE "orgId" = ${orgId} AND "role" = 'admin' FOR UPDATE`;
  if (!admins.some((a) => a.id !== exceptMembershipId)) {
    throw new ApiError("conflict", "an organization needs at least one admin: make someone else admin first");
  }
}
