import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { hashToken, newToken } from "../auth/tokens";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import type { Role } from "../auth/permissions";
import { pageArgs, toPage, type KeyValue } from "../api/pagination";
import { NEWEST_FIRST } from "../validation/lists";

// Invitations are links carrying a one-time secret (only its hash is stored). The admin who
// invites is shown the link; mail is sent too when SMTP is configured.
export const INVITATION_TTL_DAYS = 7;

type Invitation = Prisma.InvitationGetPayload<{ include: { org: { select: { id: true; name: true } } } }>;

export async function createInvitation(db: Db, actor: Actor, orgId: string, email: string, role: Role) {
  const member = await db.membership.findFirst({ where: { orgId, user: { email } }, select: { id: true } });
  if (member) throw new ApiError("conflict", `${email} is already a member`, { fields: { email: "already a member" } });
  const { token, hash } = newToken("tgi");
  const expiresAt = new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000);
  const invitation = await db.$transaction(async (tx) => {
    // A new invitation to the same address replaces the pending one.
    await tx.invitation.updateMany({ where: { orgId, email, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    const inv = await tx.invitation.create({
      data: { orgId, email, role, tokenHash: hash, invitedById: actor.id ?? "unknown", expiresAt },
    });
    await recordAdminChange(tx, actor, { orgId, action: "invitation.created", targetType: "invitation", targetId: inv.id, details: { email, role } });
    return inv;
  });
  return { invitation, token };
}

/** A page of the pending invitations (neither accepted, withdrawn nor expired), newest first. */
export async function listPendingInvitations(db: Db, orgId: string, q: { limit: number; cursor?: KeyValue[] }) {
  const rows = await db.invitation.findMany({
    ...pageArgs({ orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }, NEWEST_FIRST, q),
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
  });
  return toPage(rows, q.limit, (i) => [i.createdAt, i.id]);
}

export function invitationUrl(token: string): string {
  const base = process.env.TOOLGATE_PUBLIC_URL ?? "http://localhost:3000";
  return `${base.replace(/\/$/, "")}/invite/${token}`;
}

export type InvitationProblem = "not_found" | "expired" | "accepted" | "revoked";

export async function lookupInvitation(db: Db, token: string): Promise<{ invitation: Invitation | null; problem: InvitationProblem | null }> {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { org: { select: { id: true, name: true } } },
  });
  if (!invitation) return { invitation: null, problem: "not_found" };
  if (invitation.revokedAt) return { invitation, problem: "revoked" };
  if (invitation.acceptedAt) return { invitation, problem: "accepted" };
  if (invitation.expiresAt < new Date()) return { invitation, problem: "expired" };
  return { invitation, problem: null };
}

const PROBLEM_MESSAGES: Record<InvitationProblem, string> = {
  not_found: "this invitation link is not valid",
  expired: "this invitation has expired: ask an admin for a new one",
  accepted: "this invitation has already been used",
  revoked: "this invitation was withdrawn: ask an admin for a new one",
};

export function invitationProblemMessage(problem: InvitationProblem): string {
  return PROBLEM_MESSAGES[problem];
}

export async function findUsableInvitation(db: Db, token: string): Promise<Invitation> {
  const { invitation, problem } = await lookupInvitation(db, token);
  if (problem || !invitation) throw new ApiError("bad_request", invitationProblemMessage(problem ?? "not_found"));
  return invitation;
}

export async function acceptInvitationTx(tx: Prisma.TransactionClient, invitation: Invitation, user: { id: string; email: string }) {
  // Conditional update: of two concurrent accepts, only one finds the invitation unaccepted.
  const claimed = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: new Date() } });
  if (claimed.count !== 1) throw new ApiError("conflict", invitationProblemMessage("accepted"));
  await tx.membership.upsert({
    where: { orgId_userId: { orgId: invitation.orgId, userId: user.id } },
    create: { orgId: invitation.orgId, userId: user.id, role: invitation.role },
    update: {},
  });
  await recordAdminChange(tx, { type: "user", id: user.id, label: user.email }, {
    orgId: invitation.orgId,
    action: "member.joined",
    targetType: "member",
    targetId: user.id,
    details: { email: user.email, role: invitation.role, invitationId: invitation.id },
  });
  return invitation.org;
}

/** A signed-in person accepts an invitation addressed to their email. */
export async function acceptInvitation(db: Db, token: string, user: { id: string; email: string }) {
  const invitation = await findUsableInvitation(db, token);
  if (invitation.email !== user.email) {
    throw new ApiError("forbidden", `this invitation is for ${invitation.email}; you are signed in as ${user.email}`);
  }
  return db.$transaction((tx) => acceptInvitationTx(tx, invitation, user));
}

export async function revokeInvitation(db: Db, actor: Actor, orgId: string, id: string) {
  await db.$transaction(async (tx) => {
    const r = await tx.invitation.updateMany({ where: { id, orgId, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    if (r.count === 0) throw new ApiError("not_found", "no pending invitation with this id");
    await recordAdminChange(tx, actor, { orgId, action: "invitation.revoked", targetType: "invitation", targetId: id });
  });
}
