import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Upstream secrets (headers such as API keys) are sealed with AES-256-GCM under a versioned key
// before they reach the database. TOOLGATE_ENCRYPTION_KEY holds one or more keys, newest first:
// "v2:<base64>,v1:<base64>". Sealing uses the first; opening uses the one the box names, so keys
// can be rotated without re-encrypting everything at once.
export interface KeyRing {
  current: { version: string; key: Buffer };
  byVersion: Map<string, Buffer>;
}

export function parseKeyRing(spec: string | undefined = process.env.TOOLGATE_ENCRYPTION_KEY): KeyRing {
  if (!spec) throw new Error("TOOLGATE_ENCRYPTION_KEY is not set (npm start generates one in the data dir)");
  const byVersion = new Map<string, Buffer>();
  let current: KeyRing["current"] | undefined;
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(v\d+):(.+)$/.exec(part);
    if (!m) throw new Error("TOOLGATE_ENCRYPTION_KEY entries look like v1:<base64 of 32 bytes>");
    const key = Buffer.from(m[2], "base64");
    if (key.length !== 32) throw new Error(`TOOLGATE_ENCRYPTION_KEY ${m[1]} must be 32 bytes (base64), got ${key.length}`);
    byVersion.set(m[1], key);
    current ??= { version: m[1], key };
  }
  if (!current) throw new Error("TOOLGATE_ENCRYPTION_KEY is empty");
  return { current, byVersion };
}

export function seal(plaintext: string, ring: KeyRing = parseKeyRing()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${ring.current.version}.${iv.toString("base64url")}.${ct.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}`;
}

export function open(box: string, ring: KeyRing = parseKeyRing()): string {
  const [version, iv, ct, tag] = box.split(".");
  const key = ring.byVersion.get(version);
  if (!key || !iv || ct === undefined || !tag) throw new Error(`cannot open sealed secret: ${key ? "malformed" : `unknown key version ${version}`}`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}
