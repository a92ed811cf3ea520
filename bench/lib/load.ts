import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./children";
import type { LoadJob, LoadResult } from "./load-types";

type WorkerMessage = { started?: true; result?: LoadResult; error?: string };

/**
 * Runs one load job in a fresh generator process and returns its result. onMeasuring is called
 * when the warm-up is over and the measured part begins.
 */
export function runLoad(job: LoadJob, onMeasuring?: () => void): Promise<LoadResult> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/lib/load-worker.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let answered = false;
    proc.on("message", (m: WorkerMessage) => {
      if (m.started) return onMeasuring?.();
      answered = true;
      if (m.result) resolve(m.result);
      else reject(new Error(`load generator failed: ${m.error}`));
    });
    proc.once("exit", (code) => {
      if (!answered) reject(new Error(`load generator exited (${code}) without a result`));
    });
    proc.send(job);
  });
}
