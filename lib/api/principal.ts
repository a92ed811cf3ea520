import { getServerSession } from "next-auth";
import { authOptions } from "../auth/options";
import { getDb } from "../db/client";
import { hashToken } from "../auth/tokens";
import { verifyPassword } from "../auth/password";
import { checkThrottle, recordFailure, formatRetry } from "../auth/throttle";
import { ApiError } from "./errors";
import type { Role } from "../auth/permissions";

// Who is calling the API: a person (dashboard session, or HTTP Basic email:password where a
// route allows it) or an organization API key (Authorization: Bearer tgk_...).
export type Principal =
  | { kind: "user"; userId: string; email: string; name: string | null; via: "session" | "basic" }
  | { kind: "api_key"; keyId: string; orgId: string; role: Role; name: string };

export async function authenticate(req: Request, opts: { allowBasic?: boolean }): Promise<Principal | null> {
  const header = req.headers.get("authorization");
  if (header) {
    const [scheme, value] = splitAuth(header);
    if (scheme === "bearer") return authenticateApiKey(value);
    if (scheme === "basic") {
      if (!opts.allowBasic) throw new ApiError("unauthorized", "basic authentication is not accepted here: use an API key");
      return authenticateBasic(value);
    }
    throw new ApiError("unauthorized", "unsupported authorization scheme");
  }
  const session = await getServerSession(authOptions);
  const user = session?.user as { id?: string; email?: string; name?: string | null } | undefined;
  if (!user?.id) return null;
  // The session outlives nothing: a deleted user is no longer signed in.
  const exists = await getDb().user.findUnique({ where: { id: user.id }, select: { id: true, email: true, name: true } });
  return exists ? { kind: "user", userId: exists.id, email: exists.email, name: exists.name, via: "session" } : null;
}

function splitAuth(header: string): [string, string] {
  const i = header.indexOf(" ");
  return i < 0 ? [header.toLowerCase(), ""] : [header.slice(0, i).toLowerCase(), header.slice(i + 1).trim()];
}

async function authenticateApiKey(token: string): Promise<Principal> {
  if (!token.startsWith("tgk_")) throw new ApiError("unauthorized", "invalid API key");
  const db = getDb();
  const key = await db.apiKey.findUnique({ where: { keyHash: hashToken(token) } });
  if (!key || key.revokedAt) throw new ApiError("unauthorized", "invalid API key");
  // lastUsedAt is informational; at most one write a minute per key.
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
    void db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  }
  return { kind: "api_key", keyId: key.id, orgId: key.orgId, role: key.role as Role, name: key.name };
}

async function authenticateBasic(value: string): Promise<Principal> {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const sep = decoded.indexOf(":");
  if (sep < 0) throw new ApiError("unauthorized", "malformed basic credentials");
  const email = decoded.slice(0, sep).trim().toLowerCase();
  const password = decoded.slice(sep + 1);
  const db = getDb();
  const throttleKey = `login:${email}`;
  const state = await checkThrottle(db, throttleKey, 10);
  if (state.blocked) {
    throw new ApiError("rate_limited", `too many failed sign-in attempts, try again in ${formatRetry(state.retryAfterSeconds)}`, undefined, {
      "retry-after": String(state.retryAfterSeconds),
    });
  }
  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
    await recordFailure(db, throttleKey);
    throw new ApiError("unauthorized", "wrong email or password");
  }
  return { kind: "user", userId: user.id, email: user.email, name: user.name, via: "basic" };
}
