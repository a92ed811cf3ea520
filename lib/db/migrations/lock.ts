import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

/**
 * Our advisory lock key ("toolgate" in ASCII). It must differ from Prisma's own key
 * (72707369): the engine takes that one on its own connection while we hold ours, and the
 * same key held by two sessions of one process would wait on itself forever.
 */
const LOCK_KEY = "8390047142196114533";

/** How long to wait for another process to finish migrating before giving up. */
const LOCK_WAIT_MAX_MS = 10 * 60_000;
const LOCK_POLL_MS = 200;
const LOCK_REPORT_EVERY_MS = 5_000;

export interface MigrationLock {
  /** The session that holds the lock, free for short queries while it is held. */
  readonly client: pg.Client;
  release(): Promise<void>;
}

/**
 * Takes a session-level advisory lock so that app instances starting together against one
 * database apply migrations one after the other. Polls instead of blocking, to report
 * progress and to give up after LOCK_WAIT_MAX_MS rather than hang a deploy.
 */
export async function acquireMigrationLock(databaseUrl: string, report: (msg: string) => void): Promise<MigrationLock> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {}); // A lost connection surfaces on the next query instead.
  await client.connect().catch((error: Error) => {
    throw new Error(`cannot connect to the database to apply migrations: ${error.message}`, { cause: error });
  });
  try {
    await waitForLock(client, report);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    client,
    release: async () => {
      // Ending the session releases the lock even if the unlock query fails.
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [LOCK_KEY]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

async function waitForLock(client: pg.Client, report: (msg: string) => void): Promise<void> {
  const startedAt = Date.now();
  let reportedAt = 0;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
      LOCK_KEY,
    ]);
    if (rows[0]?.locked) return;
    const waitedMs = Date.now() - startedAt;
    if (waitedMs > LOCK_WAIT_MAX_MS) {
      throw new Error(`another process has been applying migrations for over ${Math.round(waitedMs / 1000)} s; giving up`);
    }
    if (Date.now() - reportedAt >= LOCK_REPORT_EVERY_MS) {
      report("waiting for another process to finish applying migrations");
      reportedAt = Date.now();
    }
    await sleep(LOCK_POLL_MS);
  }
}
