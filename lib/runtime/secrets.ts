import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

// Secrets Toolgate needs at run time. When the operator does not configure them, they are
// generated on the first start and kept in the data dir (mode 0600), never in git.
export interface RuntimeSecrets {
  /** Versioned AES-256-GCM keys, e.g. "v1:<base64>"; the first one encrypts, all decrypt. */
  encryptionKey: string;
  authSecret: string;
  /** Password of the embedded PostgreSQL superuser. */
  postgresPassword: string;
}

export function ensureSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): RuntimeSecrets {
  const file = path.join(dataDir, "secrets.json");
  let stored: Partial<RuntimeSecrets> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(`cannot read ${file}: ${(err as Error).message} (fix or delete the file)`);
    }
  }
  const generated: RuntimeSecrets = {
    encryptionKey: stored.encryptionKey ?? `v1:${randomBytes(32).toString("base64")}`,
    authSecret: stored.authSecret ?? randomBytes(32).toString("base64url"),
    postgresPassword: stored.postgresPassword ?? randomBytes(18).toString("base64url"),
  };
  if (JSON.stringify(generated) !== JSON.stringify(stored)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(generated, null, 2) + "\n", { mode: 0o600 });
  }
  return {
    encryptionKey: env.TOOLGATE_ENCRYPTION_KEY || generated.encryptionKey,
    authSecret: env.NEXTAUTH_SECRET || generated.authSecret,
    postgresPassword: generated.postgresPassword,
  };
}
