import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffSchemas } from "./diff";
import { LOCKFILE, LOCKFILE_CONTENT, listMigrationNames, MIGRATION_FILE } from "./migrations-dir";

/**
 * The schema as it stood at the last migration, which the next migration is diffed from.
 * Not a `.prisma` file on purpose: Prisma loads every `.prisma` file under a schema folder,
 * and a second copy of every model would break that.
 */
export const SNAPSHOT_FILE = "schema.prisma.snapshot";
const SNAPSHOT_HEADER = /^\/\/ Prisma schema as of migration (\S+)\n(?:\/\/.*\n)*/;

/** Prisma's own limit on the name part of a migration folder. */
const MAX_NAME_LENGTH = 200;

export interface CreateMigrationOptions {
  schemaPath: string;
  migrationsDir: string;
  /** Free text; it becomes the folder suffix, e.g. "Add index!" gives `add_index`. */
  name: string;
  now?: Date;
}

export type CreateMigrationResult =
  | { created: false }
  | { created: true; migrationName: string; sqlPath: string };

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` with the SQL from the schema
 * as of the last migration (from nothing for the first one) to the current schema, and
 * `migration_lock.toml` as Prisma does. Writes nothing when the schemas do not differ.
 */
export async function createMigration(opts: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const slug = migrationSlug(opts.name);
  const current = await readFile(opts.schemaPath, "utf8").catch((error: Error) => {
    throw new Error(`cannot read the prisma schema \`${opts.schemaPath}\`: ${error.message}`);
  });
  await mkdir(opts.migrationsDir, { recursive: true });
  const last = (await listMigrationNames(opts.migrationsDir)).at(-1);
  const previous = last ? await readSnapshot(opts.migrationsDir, last) : null;
  const schemaFile = path.basename(opts.schemaPath);
  const sql = await diffSchemas(
    previous === null ? null : { path: schemaFile, content: previous },
    { path: schemaFile, content: current },
  );
  if (sql === null) return { created: false };

  const migrationName = `${nextTimestamp(last, opts.now ?? new Date())}_${slug}`;
  const dir = path.join(opts.migrationsDir, migrationName);
  await mkdir(dir); // Fails if it exists: never overwrite a migration.
  try {
    await writeFile(path.join(dir, MIGRATION_FILE), sql);
    await writeFile(path.join(opts.migrationsDir, LOCKFILE), LOCKFILE_CONTENT);
    await writeFile(path.join(opts.migrationsDir, SNAPSHOT_FILE), snapshotText(migrationName, current));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { created: true, migrationName, sqlPath: path.join(dir, MIGRATION_FILE) };
}

/** Lowercase words joined by `_`, like the names `prisma migrate dev --name` produces. */
export function migrationSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, MAX_NAME_LENGTH);
  if (!slug) throw new Error(`migration name \`${name}\` has no letters or digits`);
  return slug;
}

/** The snapshot's schema, checked to belong to the last migration. */
async function readSnapshot(migrationsDir: string, lastMigration: string): Promise<string> {
  const file = path.join(migrationsDir, SNAPSHOT_FILE);
  const text = await readFile(file, "utf8").catch(() => {
    throw new Error(
      `\`${file}\` is missing, so the schema as of migration \`${lastMigration}\` is unknown; restore it from version control`,
    );
  });
  const header = SNAPSHOT_HEADER.exec(text);
  if (header?.[1] !== lastMigration) {
    throw new Error(
      `\`${file}\` belongs to migration \`${header?.[1] ?? "unknown"}\` but the last migration is \`${lastMigration}\` ` +
        `(was it created by another tool?); restore the snapshot that goes with \`${lastMigration}\``,
    );
  }
  return text.slice(header[0].length);
}

function snapshotText(migrationName: string, schema: string): string {
  return (
    `// Prisma schema as of migration ${migrationName}\n` +
    `// Written by scripts/migrate-new.ts, which diffs the next migration from it. Do not edit.\n` +
    schema
  );
}

/**
 * UTC `YYYYMMDDHHMMSS`, as Prisma names migrations, and always later than the last
 * migration: two migrations made within one second would otherwise sort by name.
 */
function nextTimestamp(lastMigration: string | undefined, now: Date): string {
  const lastStamp = /^(\d{14})_/.exec(lastMigration ?? "")?.[1];
  const stamp = formatStamp(now);
  if (!lastStamp || stamp > lastStamp) return stamp;
  return formatStamp(new Date(parseStamp(lastStamp).getTime() + 1000));
}

function formatStamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

function parseStamp(stamp: string): Date {
  const part = (at: number, length: number) => Number(stamp.slice(at, at + length));
  return new Date(Date.UTC(part(0, 4), part(4, 2) - 1, part(6, 2), part(8, 2), part(10, 2), part(12, 2)));
}
