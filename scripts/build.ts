// `npm run build`: builds the dashboard with `next build` when its inputs changed (or always
// with --force). `npm start` calls ensureBuild() so that a fresh clone builds itself.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashBuildInputs, isBuildCurrent, writeBuildStamp } from "../lib/runtime/build-state";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function ensureBuild(opts: { force?: boolean; log?: (m: string) => void } = {}) {
  const log = opts.log ?? console.log;
  // Two instances started at once from one checkout: the second waits for the first's build.
  const release = await acquireBuildLock(log);
  try {
    return await buildIfStale(opts.force ?? false, log);
  } finally {
    release();
  }
}

async function buildIfStale(force: boolean, log: (m: string) => void) {
  const inputs = hashBuildInputs(ROOT);
  if (!force && isBuildCurrent(ROOT, inputs)) {
    log("build is up to date");
    return { built: false, ms: 0 };
  }
  log("building the dashboard (next build; about a minute on 2 cores)…");
  const started = Date.now();
  await run(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"]);
  writeBuildStamp(ROOT, inputs);
  const ms = Date.now() - started;
  log(`build finished in ${(ms / 1000).toFixed(1)} s`);
  return { built: true, ms };
}

async function acquireBuildLock(log: (m: string) => void): Promise<() => void> {
  const lock = path.join(ROOT, `${process.env.TOOLGATE_DIST_DIR || ".next"}.build.lock`);
  for (let waited = 0; ; waited += 500) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => rmSync(lock, { force: true });
    } catch {
      const holder = Number(readFileSync(lock, "utf8").trim());
      if (!holder || !isAlive(holder)) {
        rmSync(lock, { force: true }); // left by a build that was killed
        continue;
      }
      if (waited === 0) log(`waiting for another build (pid ${holder}) to finish…`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code})`))));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  ensureBuild({ force: process.argv.includes("--force"), log: (m) => console.log(`toolgate: ${m}`) }).catch((err) => {
    console.error(`toolgate: ${err.message}`);
    process.exit(1);
  });
}
