import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../lib/runtime/free-port";
import { ROOT } from "./children";

// Starts Toolgate exactly as `npm start` runs it (node --import tsx scripts/start.ts), on a free
// loopback port with a data dir of its own. Like tests/helpers/toolgate-process.ts, plus extra
// node flags: --cpu-prof is refused in NODE_OPTIONS, so profiling needs them on the command line.
export interface ToolgateProcess {
  port: number;
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startToolgateProcess(opts: { databaseUrl: string; env: Record<string, string>; nodeFlags?: string[] }): Promise<ToolgateProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "toolgate-bench-app-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1", TOOLGATE_DATA_DIR: dataDir, DATABASE_URL: opts.databaseUrl, ...opts.env };
  delete env.NEXTAUTH_URL;
  delete env.TOOLGATE_PUBLIC_URL;
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), "--import", "tsx", "scripts/start.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Toolgate did not start in 90 s:\n${out}`)), 90_000);
    const early = (code: number | null) => (clearTimeout(timer), reject(new Error(`Toolgate exited (${code}) before it was ready:\n${out}`)));
    child.once("exit", early);
    const onData = (d: Buffer) => {
      out += d;
      if (!out.includes("toolgate: ready on")) return;
      clearTimeout(timer);
      child.off("exit", early);
      resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
  }).catch((err) => {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  // Keep draining its output (a full pipe would block it), but only the last few KB for errors.
  const keep = (d: Buffer) => (out = (out + d).slice(-8_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return {
    port,
    dataDir,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
