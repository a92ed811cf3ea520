import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type pg from "pg";

/**
 * PrismaPg for the schema engine, with one fix: its `executeScript` splits a migration on
 * every `;` and runs the pieces one by one, which breaks any migration with a `;` inside a
 * string or a `$$` body and leaves half of a failed migration applied. Here the script is
 * sent whole with the simple query protocol (no parameters), as Prisma's native engine
 * does: PostgreSQL then runs it as one implicit transaction.
 */
export function pgMigrationAdapterFactory(pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaPg(pool);
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => runScriptsWhole(await base.connect()),
    connectToShadowDb: async () => runScriptsWhole(await base.connectToShadowDb()),
  };
}

function runScriptsWhole(adapter: SqlDriverAdapter): SqlDriverAdapter {
  // executeRaw with no arguments goes through pg's simple query protocol, which accepts
  // several statements, and it keeps PrismaPg's mapping of errors for the engine.
  adapter.executeScript = async (script: string) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

/**
 * The PostgreSQL version the offline adapter reports. Diffing two schema files does not
 * depend on it; the engine only asks for it when it starts.
 */
const OFFLINE_SERVER_VERSION_NUM = 180000;

/**
 * An adapter with no database behind it, for diffing schema files. The engine connects
 * as soon as it is created and runs one probe (schema exists? server version?); this
 * adapter answers that probe and refuses anything else, so a diff that would need a real
 * database fails loudly instead of silently.
 */
export function offlineAdapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  const connect = async (): Promise<SqlDriverAdapter> => offlineAdapter();
  return { provider: "postgres", adapterName: "toolgate-offline", connect, connectToShadowDb: connect };
}

function offlineAdapter(): SqlDriverAdapter {
  const refuse = (operation: string) => async (): Promise<never> => {
    throw new Error(`the offline schema engine cannot ${operation}: this operation needs a database`);
  };
  return {
    provider: "postgres",
    adapterName: "toolgate-offline",
    queryRaw: async (query: SqlQuery): Promise<SqlResultSet> => {
      if (!query.sql.includes("server_version_num")) {
        throw new Error(`the offline schema engine cannot run \`${query.sql.trim().slice(0, 120)}\``);
      }
      return {
        columnNames: ["exists", "version", "numeric_version"],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, "PostgreSQL (offline)", OFFLINE_SERVER_VERSION_NUM]],
      };
    },
    executeRaw: refuse("execute statements"),
    executeScript: refuse("execute scripts"),
    startTransaction: refuse("start transactions"),
    dispose: async () => {},
  };
}
