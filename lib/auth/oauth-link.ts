import type { Db } from "../db/client";
import { createOrganizationTx } from "../orgs/sign-up";

export interface OAuthIdentity {
  provider: string;
  providerAccountId: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/**
 * Maps a GitHub/Google account to a Toolgate user: an already linked account signs in; an
 * unlinked one is linked to the user with the same verified email, or a new user (with an
 * organization of their own) is created.
 */
export async function linkOAuthUser(db: Db, id: OAuthIdentity): Promise<{ ok: true; userId: string } | { ok: false; error: string }> {
  const account = await db.account.findUnique({
    where: { provider_providerAccountId: { provider: id.provider, providerAccountId: id.providerAccountId } },
  });
  if (account) return { ok: true, userId: account.userId };
  if (!id.email || !id.emailVerified) return { ok: false, error: `your ${id.provider} account has no verified email address` };
  const email = id.email.toLowerCase();
  const userId = await db.$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true } });
    if (!user) {
      user = await tx.user.create({ data: { email, name: id.name }, select: { id: true, email: true } });
      await createOrganizationTx(tx, user, `${id.name || email.split("@")[0]}'s organization`);
    }
    await tx.account.create({ data: { userId: user.id, provider: id.provider, providerAccountId: id.providerAccountId } });
    return user.id;
  });
  return { ok: true, userId };
}
