import pg from "pg";
import { freshDatabase } from "./postgres";
import { startToolgateProcess, type ToolgateProcess } from "./toolgate-process";
import { startTestUpstream, type TestUpstream } from "./test-upstream";
import { apiClient } from "./http";

/** What most API tests start with: a test upstream, Toolgate on a fresh database, and SQL on it. */
export interface Testbed {
  upstream: TestUpstream;
  app: ToolgateProcess;
  api: ReturnType<typeof apiClient>;
  sql: pg.Client;
  databaseUrl: string;
  close(): Promise<void>;
}

export async function startTestbed(prefix: string): Promise<Testbed> {
  const upstream = await startTestUpstream();
  const databaseUrl = await freshDatabase(prefix);
  const app = await startToolgateProcess({ databaseUrl }).catch(async (error) => {
    await upstream.close();
    throw error;
  });
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  return {
    upstream,
    app,
    api: apiClient(app.url),
    sql,
    databaseUrl,
    async close() {
      await sql.end();
      await app.stop();
      await upstream.close();
    },
  };
}
