import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

// Child processes of the benchmark. Each server runs in its own process so that no two of them
// (nor the load generator) share an event loop. Every child gets an IPC channel: when this
// process dies, the channel closes and the child exits on its own ("disconnect"), so a crashed
// run leaves no orphans; a normal run stops each one with SIGTERM and waits for its exit.
export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Child {
  name: string;
  pid: number;
  port: number;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<Child>();

/** Starts `node --import tsx <script>` and resolves once it prints `READY <port>`. */
export function startChild(name: string, script: string, env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 30 s:\n${out}`)), 30_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      proc.kill("SIGKILL");
      reject(err);
    };
    const early = (code: number | null) => fail(new Error(`${name} exited (${code}) before it was ready:\n${out}`));
    proc.once("exit", early);
    let ready = false;
    proc.stdout!.on("data", () => {
      const m = ready ? null : /READY (\d+)/.exec(out);
      if (!m) return;
      ready = true;
      clearTimeout(timer);
      proc.off("exit", early);
      const child: Child = {
        name,
        pid: proc.pid!,
        port: Number(m[1]),
        proc,
        output: () => out,
        async stop() {
          running.delete(child);
          if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
          await exited;
        },
      };
      running.add(child);
      resolve(child);
    });
  });
}

const cleanups = new Set<() => Promise<void>>();

/** Something else to stop on the way out (a Toolgate instance, PostgreSQL); returns its removal. */
export function onCleanup(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Stops every child and runs every cleanup still registered (an error path or a signal). */
export async function stopAllChildren() {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.all([...running].map((c) => c.stop()));
  await Promise.all(pending.map((fn) => fn().catch(() => {})));
}
