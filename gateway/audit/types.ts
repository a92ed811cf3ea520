import type { AuditEvent } from "../ports";

/** Where the writer reports trouble; console by default. */
export interface AuditLogger {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Time as the writer sees it. Injected so tests can step through flush intervals and backoff
 * without sleeping; the default uses the real clock and unref'd Node timers (a pending flush
 * never keeps the process alive: close() is what guarantees nothing is left behind).
 */
export interface WriterTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: WriterTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface AuditWriterStats {
  /** Events in memory: waiting for the store, or for the disk when the buffer is full. */
  buffered: number;
  /** Events this writer has written to spill files (since it started). */
  spilled: number;
  /** Spill files waiting to be replayed into the store (including one being appended to). */
  spillFiles: number;
  /** Events the store accepted (replayed ones included). */
  written: number;
  /** Store writes that failed (each is retried). */
  failedBatches: number;
  /** Events the store refused alone while it answered otherwise; kept in rejected.jsonl. */
  rejected: number;
  /** Events lost because memory and disk were both full or unusable; each burst is logged. */
  dropped: number;
  /** Whether store writes are currently failing and being retried with backoff. */
  retrying: boolean;
  lastError: string | null;
}

export type { AuditEvent };
