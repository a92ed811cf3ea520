import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Bearer secrets (API keys, grant tokens, invitation links) are 32 random bytes, base62-ish
// (base64url), after a type prefix so that a leaked one is recognisable (secret scanners).
// Only their SHA-256 is stored: the secret has 256 bits of entropy, so a fast hash is enough.
export type TokenKind = "tgk" | "tgg" | "tgi" | "tgc";

export function newToken(kind: TokenKind): { token: string; prefix: string; hash: string } {
  const token = `${kind}_${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, kind.length + 9), hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
