// `npm run build`: builds the dashboard with `next build` when its inputs changed (or always
// with --force). `npm start` calls ensureBuild() so that a fresh clone builds itself.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashBuildInputs, isBuildCurrent, writeBuildStamp } from "../lib/runtime/build-state";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function ensureBuild(opts: { force?: boolean; log?: (m: string) => void } = {}) {
  const log = opts.log ?? console.log;
  const inputs = hashBuildInputs(ROOT);
  if (!opts.force && isBuildCurrent(ROOT, inputs)) {
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
