import { randomBytes } from "node:crypto";
import path from "node:path";
import { ensureBuild } from "../../scripts/build";
import { startToolgateProcess, type ToolgateProcess } from "./toolgate-process";
import { onCleanup } from "./children";
import { startBenchDatabase, type BenchDatabase } from "./database";
import { seed, type Seeded } from "./seed";

// Toolgate as `npm start` runs it (node --import tsx scripts/start.ts, production build), one
// instance per entry point, on one seeded database.
export type Entry = "fast" | "next";

export interface ToolgateWorld {
  db: BenchDatabase;
  seeded: Seeded;
  instances: Partial<Record<Entry, ToolgateProcess>>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** The npm start instance writes a .cpuprofile here when it exits (node --cpu-prof). */
  profileDir?: string | null;
  /** Extra node flags for the npm start instance. */
  nodeFlags?: string[];
}

export async function startToolgateWorld(upstreamUrl: string, entries: Entry[], log: (m: string) => void, opts: WorldOptions = {}): Promise<ToolgateWorld> {
  // Built once here, so two instances starting do not both decide to run `next build`.
  await ensureBuild({ log });
  const db = await startBenchDatabase(log);
  const instances: ToolgateWorld["instances"] = {};
  let stopped: Promise<void> | undefined;
  const stop = () => {
    unregister();
    // Idempotent: the normal path and a signal's cleanup may both ask.
    stopped ??= (async () => {
      await Promise.all(Object.values(instances).map((i) => i.stop()));
      await db.stop();
    })();
    return stopped;
  };
  const unregister = onCleanup(stop);
  try {
    const encryptionKey = `v1:${randomBytes(32).toString("base64")}`;
    process.env.DATABASE_URL = db.url;
    process.env.TOOLGATE_ENCRYPTION_KEY = encryptionKey;
    const seeded = await seed(upstreamUrl, entries);
    const env = { TOOLGATE_ENCRYPTION_KEY: encryptionKey, NEXTAUTH_SECRET: randomBytes(24).toString("base64url") };
    const profile = [...(opts.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opts.profileDir)}`] : []), ...(opts.nodeFlags ?? [])];
    // One after the other: on 2 cores two cold starts in parallel only slow each other down.
    for (const entry of entries) {
      log(`starting Toolgate (${entry === "fast" ? "npm start" : "TOOLGATE_GATEWAY_VIA_NEXT=1"})`);
      const start = () =>
        entry === "next"
          ? startToolgateProcess({ databaseUrl: db.url, env: { ...env, TOOLGATE_GATEWAY_VIA_NEXT: "1" } })
          : startToolgateProcess({ databaseUrl: db.url, env, nodeFlags: profile });
      // The repo's .next is shared: another checkout user's `next build` can replace it while an
      // instance starts ("Could not find a production build"). Build again and retry once.
      instances[entry] = await start().catch(async (err: Error) => {
        log(`Toolgate did not start (${err.message.split("\n").find((l) => l.includes("could not start")) ?? "see below"}); retrying once`);
        await ensureBuild({ log });
        return start();
      });
    }
    return { db, seeded, instances, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
