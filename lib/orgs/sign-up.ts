import type { Db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { hashPassword } from "../auth/password";
import type { SignupInput } from "../validation/auth";
import { recordAdminChange } from "../admin-audit/record";
import { findUsableInvitation, acceptInvitationTx } from "./invitations";

export interface SignupResult {
  user: { id: string; email: string; name: string | null };
  organization: { id: string; name: string };
}

/**
 * Creates an account. Without an invitation the person gets an organization of their own and
 * is its admin; with one, they join the inviting organization with the invited role.
 */
export async function signUp(db: Db, input: SignupInput): Promise<SignupResult> {
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw duplicateEmail();
  const invitation = input.inviteToken ? await findUsableInvitation(db, input.inviteToken) : null;
  if (invitation && invitation.email !== input.email) {
    throw new ApiError("validation_failed", "this invitation was sent to another email address", {
      fields: { email: `the invitation is for ${invitation.email}` },
    });
  }
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name || null, passwordHash },
        select: { id: true, email: true, name: true },
      });
      if (invitation) {
        const org = await acceptInvitationTx(tx, invitation, user);
        return { user, organization: org };
      }
      const organization = await createOrganizationTx(tx, user, input.organizationName || defaultOrgName(input));
      return { user, organization };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw duplicateEmail();
    throw err;
  }
}

export async function createOrganizationTx(
  tx: Prisma.TransactionClient,
  user: { id: string; email: string },
  name: string,
): Promise<{ id: string; name: string }> {
  const org = await tx.organization.create({ data: { name }, select: { id: true, name: true } });
  await tx.membership.create({ data: { orgId: org.id, userId: user.id, role: "admin" } });
  await recordAdminChange(tx, { type: "user", id: user.id, label: user.email }, {
    orgId: org.id,
    action: "organization.created",
    targetType: "organization",
    targetId: org.id,
    details: { name },
  });
  return org;
}

function defaultOrgName(input: SignupInput): string {
  const who = input.name?.trim() || input.email.split("@")[0];
  return `${who}'s organization`.slice(0, 100);
}

function duplicateEmail() {
  return new ApiError("conflict", "an account with this email already exists: sign in instead", {
    fields: { email: "an account with this email already exists" },
  });
}
