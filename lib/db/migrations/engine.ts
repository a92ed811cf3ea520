import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import { offlineAdapterFactory, pgMigrationAdapterFactory } from "./adapters";
import { lastPanicMessage, loadSchemaEngineModule } from "./wasm";

export type { SchemaEngine };

/** An engine and the means to let go of it. Always call `close()`. */
export interface SchemaEngineHandle {
  readonly engine: SchemaEngine;
  /** Rewrites an error thrown by an engine method into a readable one. */
  explain(error: unknown): Error;
  close(): Promise<void>;
}

export interface OpenSchemaEngineOptions {
  databaseUrl: string;
  /** Schema files as [path, content]; the engine reads datasource namespaces from them. */
  datamodels?: [string, string][];
  /** Receives the engine's log lines (JSON, one event each). */
  onLog?: (line: string) => void;
}

/** An engine connected to a PostgreSQL database, for applying and inspecting migrations. */
export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngineHandle> {
  // One connection, kept open until close(). The engine takes Prisma's session advisory
  // lock with one query and expects its later queries in that session, as in its native
  // build; with a larger pool (and pg's 10 s idle timeout) the lock could be held by a
  // connection that is then closed, or not be the one running the migrations.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1, idleTimeoutMillis: 0 });
  // An idle connection that dies (database restart) must not crash the process; the next
  // query reports the failure instead.
  pool.on("error", () => {});
  try {
    return await open(pgMigrationAdapterFactory(pool), options, () => pool.end());
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}

/** An engine with no database behind it: enough for diffing two schema files. */
export function openOfflineSchemaEngine(): Promise<SchemaEngineHandle> {
  return open(offlineAdapterFactory(), {}, async () => {});
}

async function open(
  factory: SqlMigrationAwareDriverAdapterFactory,
  options: Pick<OpenSchemaEngineOptions, "datamodels" | "onLog">,
  release: () => Promise<void>,
): Promise<SchemaEngineHandle> {
  const wasm = await loadSchemaEngineModule();
  // The binding records every error the adapter throws and hands the engine only an id;
  // explain() trades the id back for the original error.
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const explain = (error: unknown) => explainEngineError(error, bound.errorRegistry);
  const onLog = options.onLog ?? (() => {});
  let engine: SchemaEngine;
  try {
    engine = await wasm.SchemaEngine.new({ datamodels: options.datamodels }, onLog, bound);
  } catch (error) {
    throw explain(error);
  }
  let closed = false;
  return {
    engine,
    explain,
    close: async () => {
      if (closed) return;
      closed = true;
      engine.free();
      await release();
    },
  };
}

function explainEngineError(error: unknown, registry: ErrorRegistry): Error {
  if (error instanceof WebAssembly.RuntimeError) {
    const panic = lastPanicMessage() || error.message;
    return new Error(`the schema engine crashed: ${panic}; restart the process before using it again`, {
      cause: error,
    });
  }
  if (!(error instanceof Error)) return new Error(String(error));
  const external = /External error id#(\d+)/.exec(error.message);
  if (external) {
    const record = registry.consumeError(Number(external[1]));
    if (record?.error instanceof Error) return record.error;
    if (record) return new Error(describeAdapterError(record.error), { cause: error });
  }
  return error;
}

function describeAdapterError(error: unknown): string {
  if (error && typeof error === "object" && "kind" in error) {
    const { kind, ...rest } = error as { kind: string };
    return `database error ${kind}: ${JSON.stringify(rest)}`;
  }
  return String(error);
}

/**
 * Engine messages end with a trace of Rust spans ("   0: sql_schema_connector::…") and
 * start with a generic "external connector error" line; neither helps a reader.
 */
export function engineMessageSummary(message: string): string {
  const lines: string[] = [];
  for (const line of message.split("\n")) {
    if (/^\s+\d+: /.test(line)) break;
    const trimmed = line.trim();
    if (trimmed && trimmed !== "external connector error") lines.push(trimmed);
  }
  return lines.join(" ") || message.trim();
}
