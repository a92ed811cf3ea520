import { readFile } from "node:fs/promises";
import type pg from "pg";
import type { MigrationList, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { engineMessageSummary, openSchemaEngine, type SchemaEngineHandle } from "./engine";
import { MigrationError, rolledBackHint } from "./errors";
import { acquireMigrationLock } from "./lock";
import { readMigrationsList } from "./migrations-dir";
import { loadSchemaEngineModule } from "./wasm";

export { MigrationError } from "./errors";

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** Prisma's migrations folder: <dir>/<timestamp>_<name>/migration.sql. */
  migrationsDir: string;
  /** The Prisma schema; the engine reads the datasource (provider, namespaces) from it. */
  schemaPath: string;
  onProgress?: (msg: string) => void;
}

/** No externally managed tables or enums: Toolgate's schema owns its whole database. */
const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };
const LOAD_REPORT_EVERY_MS = 5_000;

/**
 * Applies the pending migrations with Prisma's own schema engine (WebAssembly build) and
 * records them in `_prisma_migrations` as `prisma migrate deploy` does. Unlike deploy, it
 * also refuses to run when an applied migration's file was modified since, as
 * `prisma migrate dev` does. Safe to call from several processes at once.
 */
export async function applyMigrations(opts: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const report = opts.onProgress ?? (() => {});
  const schema = await readFile(opts.schemaPath, "utf8").catch((error: Error) => {
    throw new MigrationError(`cannot read the prisma schema \`${opts.schemaPath}\`: ${error.message}`);
  });
  // Load the engine while we wait for the lock; the catch only stops Node from calling an
  // early failure unhandled; the error is still thrown by the await below.
  const engineLoaded = loadEngineReporting(report);
  engineLoaded.catch(() => {});
  const lock = await acquireMigrationLock(opts.databaseUrl, report);
  try {
    await engineLoaded;
    const migrations = await readMigrationsList(opts.migrationsDir);
    const handle = await openSchemaEngine({
      databaseUrl: opts.databaseUrl,
      datamodels: [[opts.schemaPath, schema]],
      onLog: (line) => reportApplying(line, report),
    });
    try {
      await checkHistory(handle, migrations, lock.client, report);
      return await applyPending(handle, migrations, lock.client, report);
    } finally {
      await handle.close();
    }
  } finally {
    await lock.release();
  }
}

async function loadEngineReporting(report: (msg: string) => void): Promise<void> {
  const startedAt = performance.now();
  const seconds = () => Math.round((performance.now() - startedAt) / 1000);
  report("loading the prisma schema engine");
  const ticker = setInterval(() => report(`still loading the prisma schema engine (${seconds()} s)`), LOAD_REPORT_EVERY_MS);
  ticker.unref();
  try {
    await loadSchemaEngineModule();
  } finally {
    clearInterval(ticker);
  }
  report(`prisma schema engine ready in ${Math.round(performance.now() - startedAt)} ms`);
}

/** Refuses failed or edited migrations up front, and says what is pending. */
async function checkHistory(
  handle: SchemaEngineHandle,
  migrationsList: MigrationList,
  client: pg.Client,
  report: (msg: string) => void,
): Promise<void> {
  const diagnosis = await handle.engine
    .diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS })
    .catch((error: unknown) => {
      throw new MigrationError(`cannot read the migration history: ${engineMessageSummary(handle.explain(error).message)}`);
    });
  const [failed] = diagnosis.failedMigrationNames;
  if (failed) {
    const logs = await failedMigrationLogs(client, failed);
    const because = logs ? ` (${logs})` : "";
    throw new MigrationError(`migration \`${failed}\` failed in an earlier run${because}; ${rolledBackHint(failed)}`, failed);
  }
  const [edited] = diagnosis.editedMigrationNames;
  if (edited) {
    throw new MigrationError(
      `migration \`${edited}\` was modified after it was applied (its checksum no longer matches _prisma_migrations); ` +
        `restore the original file and put further changes in a new migration`,
      edited,
    );
  }
  const { history } = diagnosis;
  if (history && history.diagnostic !== "databaseIsBehind") {
    report(`the database has migrations this folder lacks: ${history.unpersistedMigrationNames.join(", ")}`);
  }
  const pending = !diagnosis.hasMigrationsTable
    ? migrationsList.migrationDirectories.map((dir) => dir.path)
    : history && history.diagnostic !== "migrationsDirectoryIsBehind"
      ? history.unappliedMigrationNames
      : [];
  report(pending.length > 0 ? `pending migrations: ${pending.join(", ")}` : "no pending migrations");
}

async function applyPending(
  handle: SchemaEngineHandle,
  migrationsList: MigrationList,
  client: pg.Client,
  report: (msg: string) => void,
): Promise<{ applied: string[] }> {
  const startedAt = performance.now();
  try {
    const { appliedMigrationNames } = await handle.engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    if (appliedMigrationNames.length > 0) {
      const ms = Math.round(performance.now() - startedAt);
      report(`applied ${appliedMigrationNames.length} migration(s) in ${ms} ms`);
    }
    return { applied: appliedMigrationNames };
  } catch (error) {
    throw await describeApplyFailure(handle.explain(error), client);
  }
}

/** The engine names the failed migration only in a trace; its row in the table is clearer. */
async function describeApplyFailure(error: Error, client: pg.Client): Promise<MigrationError> {
  const failed = await client
    .query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations
       WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY started_at DESC LIMIT 1`,
    )
    .then((result) => result.rows[0]?.migration_name)
    .catch(() => undefined);
  const code = (error as { code?: unknown }).code;
  const reason = `${engineMessageSummary(error.message)}${typeof code === "string" ? ` (${code})` : ""}`;
  if (!failed) return new MigrationError(`applying migrations failed: ${reason}`, undefined, { cause: error });
  return new MigrationError(`migration \`${failed}\` failed: ${reason}; ${rolledBackHint(failed)}`, failed, {
    cause: error,
  });
}

async function failedMigrationLogs(client: pg.Client, name: string): Promise<string> {
  const { rows } = await client
    .query<{ logs: string | null }>(
      `SELECT logs FROM _prisma_migrations WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL
       ORDER BY started_at DESC LIMIT 1`,
      [name],
    )
    .catch(() => ({ rows: [] as { logs: string | null }[] }));
  return rows[0]?.logs ? engineMessageSummary(rows[0].logs) : "";
}

/** The engine logs "Applying `<name>`" before each migration: pass it on as progress. */
function reportApplying(line: string, report: (msg: string) => void): void {
  try {
    const event = JSON.parse(line) as { fields?: { message?: unknown } };
    const message = event.fields?.message;
    if (typeof message === "string" && message.startsWith("Applying `")) report(`applying ${message.slice(9)}`);
  } catch {
    // Not every log line is JSON; none of the others matter here.
  }
}
