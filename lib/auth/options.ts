import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { getDb } from "../db/client";
import { signinSchema } from "../validation/auth";
import { verifyPassword, burnVerifyTime } from "./password";
import { checkThrottle, clearThrottle, recordFailure, formatRetry } from "./throttle";
import { linkOAuthUser } from "./oauth-link";

// next-auth with JWT sessions: email + password always; GitHub and Google when their
// client id and secret are configured. Failed password attempts are throttled per email
// (10 per 15 minutes) and per client address (50), counted in PostgreSQL.
export const MAX_FAILURES_PER_EMAIL = 10;
export const MAX_FAILURES_PER_ADDRESS = 50;

export function oauthProvidersConfigured() {
  return {
    github: !!(process.env.GITHUB_ID && process.env.GITHUB_SECRET),
    google: !!(process.env.GOOGLE_ID && process.env.GOOGLE_SECRET),
  };
}

async function authorizeWithPassword(raw: unknown, headers: Record<string, unknown>): Promise<User | null> {
  const parsed = signinSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "enter your email and password");
  const { email, password } = parsed.data;
  const db = getDb();
  const address = String(headers["x-forwarded-for"] ?? headers["x-real-ip"] ?? "local").split(",")[0].trim();
  const keys = [`login:${email}`, `login-ip:${address}`];
  const states = await Promise.all([checkThrottle(db, keys[0], MAX_FAILURES_PER_EMAIL), checkThrottle(db, keys[1], MAX_FAILURES_PER_ADDRESS)]);
  const blocked = states.find((s) => s.blocked);
  if (blocked) throw new Error(`too many failed attempts, try again in ${formatRetry(blocked.retryAfterSeconds)}`);

  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : (await burnVerifyTime(password), false);
  if (!user || !ok) {
    await Promise.all(keys.map((k) => recordFailure(db, k)));
    throw new Error("wrong email or password");
  }
  await clearThrottle(db, keys[0]);
  return { id: user.id, email: user.email, name: user.name };
}

function providers() {
  const list: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, req) => authorizeWithPassword(credentials, (req?.headers ?? {}) as Record<string, unknown>),
    }),
  ];
  const configured = oauthProvidersConfigured();
  if (configured.github) list.push(GitHubProvider({ clientId: process.env.GITHUB_ID!, clientSecret: process.env.GITHUB_SECRET! }));
  if (configured.google) list.push(GoogleProvider({ clientId: process.env.GOOGLE_ID!, clientSecret: process.env.GOOGLE_SECRET! }));
  return list;
}

export const authOptions: NextAuthOptions = {
  get providers() {
    return providers();
  },
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/signin", error: "/signin" },
  callbacks: {
    async signIn({ user, account, profile }) {
      if (!account || account.provider === "credentials") return true;
      // OAuth: find or create our user (and their organization) for this provider account.
      const linked = await linkOAuthUser(getDb(), {
        provider: account.provider,
        providerAccountId: account.providerAccountId,
        email: user.email ?? null,
        emailVerified: account.provider === "github" ? true : Boolean((profile as { email_verified?: boolean } | undefined)?.email_verified),
        name: user.name ?? null,
      });
      if (!linked.ok) return `/signin?error=${encodeURIComponent(linked.error)}`;
      user.id = linked.userId;
      return true;
    },
    async jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.uid) (session.user as { id?: string }).id = String(token.uid);
      return session;
    },
  },
};
