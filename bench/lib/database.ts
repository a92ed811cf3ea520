import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/runtime/embedded-postgres";
import { applyMigrations } from "../../lib/db/migrations/apply";
import { ROOT } from "./children";

// One throwaway embedded PostgreSQL for the run, migrated like `npm start` migrates. Both
// Toolgate instances use the same database (two replicas of one deployment); each has its own
// grant, so audit rows are counted per path.
export interface BenchDatabase {
  url: string;
  /** A plain pg client for counting audit rows (the instances write them). */
  query: pg.Client;
  /** The postmaster's pid: its backends are its children (for CPU accounting). */
  postmasterPid: number;
  stop(): Promise<void>;
}

export async function startBenchDatabase(log: (m: string) => void): Promise<BenchDatabase> {
  // Under /tmp: as root, PostgreSQL runs as `postgres`, which must be able to enter the directory.
  const dataDir = mkdtempSync(path.join(tmpdir(), "toolgate-bench-pg-"));
  const db = await startEmbeddedPostgres({ dataDir, password: randomBytes(12).toString("hex"), database: "toolgate_bench", onProgress: log });
  try {
    await applyMigrations({ databaseUrl: db.url, migrationsDir: path.join(ROOT, "prisma/migrations"), schemaPath: path.join(ROOT, "prisma/schema.prisma") });
    const query = new pg.Client({ connectionString: db.url });
    await query.connect();
    const postmasterPid = Number(readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    return {
      url: db.url,
      query,
      postmasterPid,
      async stop() {
        await query.end().catch(() => {});
        await db.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** tools/call audit events written for one grant. */
export async function auditedCalls(db: BenchDatabase, grantId: string): Promise<number> {
  const r = await db.query.query<{ n: string }>(`SELECT count(*)::text AS n FROM "AuditEvent" WHERE "grantId" = $1 AND method = 'tools/call'`, [grantId]);
  return Number(r.rows[0].n);
}

/**
 * Waits until the audit writer has flushed: the count reaches `atLeast`, or stops moving for 2 s
 * (then the caller reports the shortfall), or 30 s pass.
 */
export async function settledAuditCount(db: BenchDatabase, grantId: string, atLeast: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const n = await auditedCalls(db, grantId);
    if (n >= atLeast || Date.now() > deadline) return n;
    if (n !== last) (last = n), (stableSince = Date.now());
    else if (Date.now() - stableSince > 2_000) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
}
