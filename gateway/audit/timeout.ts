import type { WriterTimers } from "./types";

export class AuditTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = "AuditTimeoutError";
  }
}

/**
 * Rejects when `work` takes longer than `ms`. The work itself is not cancelled (a store write
 * cannot be); whatever it does later is harmless because writes are idempotent by event id.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, timers: WriterTimers): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = timers.setTimeout(() => reject(new AuditTimeoutError(what, ms)), ms);
    work.then(
      (value) => {
        timers.clearTimeout(handle);
        resolve(value);
      },
      (error: unknown) => {
        timers.clearTimeout(handle);
        reject(error);
      },
    );
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
