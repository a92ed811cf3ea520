import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../lib/runtime/embedded-postgres";
import { applyMigrations } from "../../lib/db/migrations/apply";
import { ensureBuild } from "../../scripts/build";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateDb: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const TEMPLATE = "toolgate_template";

// One real PostgreSQL for the whole integration run, with a migrated template database that
// test files clone. The production build is made (or found current) for tests that start the app.
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "toolgate-it-"));
  const db = await startEmbeddedPostgres({ dataDir, password: "integration", database: TEMPLATE, onProgress: () => {} });
  await applyMigrations({
    databaseUrl: db.url,
    migrationsDir: path.join(ROOT, "prisma/migrations"),
    schemaPath: path.join(ROOT, "prisma/schema.prisma"),
  });
  // A template database cannot be cloned while someone is connected to it.
  const admin = new URL(db.url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [TEMPLATE]);
  await client.end();
  project.provide("pgAdminUrl", admin.toString());
  project.provide("pgTemplateDb", TEMPLATE);
  await ensureBuild({ log: () => {} });

  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
