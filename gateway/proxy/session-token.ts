import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

// The session id a client sees is a sealed token, not the upstream's session id: AES-256-GCM
// over {upstream session id, grant, server}. Any replica holding the key can open it (no
// sticky routing), nobody can forge or read it, and it is useless with another grant or server.
export interface SessionClaims {
  /** The upstream's own Mcp-Session-Id; "" when the upstream is stateless. */
  upstreamSessionId: string;
  grantId: string;
  serverId: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** The client declared URL-mode elicitation when it initialized (require_approval's elicit mode). */
  elicitUrl?: boolean;
}

const VERSION = "s1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Opened tokens are remembered (a token is authenticated and never changes, and a client sends
 * the same one on every call of its session): a Map lookup instead of an AES-GCM decryption
 * per call. Bounded like the policy's name cache: when full it starts over, so a flood of
 * forged tokens (never cached: they fail to open) or of sessions cannot grow it without end.
 */
export const OPENED_CACHE_MAX = 10_000;

export class SessionSealer {
  private readonly key: Buffer;
  private readonly opened = new Map<string, SessionClaims>();

  constructor(secret: string | Buffer) {
    // Derived once, so the encryption key for upstream secrets is never used directly here.
    this.key = Buffer.from(hkdfSync("sha256", secret, "toolgate", "mcp-session-token/v1", 32));
  }

  seal(claims: Omit<SessionClaims, "iat"> & { iat?: number }): string {
    const body = JSON.stringify([claims.upstreamSessionId, claims.grantId, claims.serverId, claims.iat ?? Math.floor(Date.now() / 1000), claims.elicitUrl ? 1 : 0]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const ct = Buffer.concat([cipher.update(body, "utf8"), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url")}`;
  }

  /** The claims, or null for anything that was not sealed by this key (or was altered). */
  open(token: string): SessionClaims | null {
    const cached = this.opened.get(token);
    if (cached !== undefined) return cached;
    const claims = this.decrypt(token);
    if (claims !== null) {
      if (this.opened.size >= OPENED_CACHE_MAX) this.opened.clear();
      this.opened.set(token, claims);
    }
    return claims;
  }

  private decrypt(token: string): SessionClaims | null {
    if (!token.startsWith(`${VERSION}.`) || token.length > 4096) return null;
    const raw = Buffer.from(token.slice(VERSION.length + 1), "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES + 2) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
      const [upstreamSessionId, grantId, serverId, iat, flags] = JSON.parse(body);
      if (typeof upstreamSessionId !== "string" || typeof grantId !== "string" || typeof serverId !== "string") return null;
      return Object.freeze({ upstreamSessionId, grantId, serverId, iat: Number(iat), elicitUrl: flags === 1 });
    } catch {
      return null;
    }
  }
}
