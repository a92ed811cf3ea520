import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../lib/runtime/free-port";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface ToolgateProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts Toolgate exactly as `npm start` does (node --import tsx scripts/start.ts), on a free
 * port with its own data dir, and resolves once it says it is ready.
 */
export async function startToolgateProcess(opts: { databaseUrl?: string; dataDir?: string; env?: Record<string, string> } = {}): Promise<ToolgateProcess> {
  const port = await freePort();
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "toolgate-app-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", TOOLGATE_DATA_DIR: dataDir, TOOLGATE_SKIP_BUILD: "1", ...opts.env };
  delete env.DATABASE_URL;
  delete env.NEXTAUTH_URL;
  delete env.TOOLGATE_PUBLIC_URL;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  Object.assign(env, opts.env);
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Toolgate did not start in 90 s:\n${out}`)), 90_000);
    const check = () => {
      if (out.includes("toolgate: ready on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Toolgate exited with ${code} before it was ready:\n${out}`));
    });
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    url: `http://localhost:${port}`,
    port,
    dataDir,
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
