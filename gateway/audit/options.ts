import path from "node:path";
import type { AuditStore } from "../ports";
import type { AuditLogger, WriterTimers } from "./types";

export interface AuditWriterOptions {
  store: AuditStore;
  /** A folder in the data dir for spill files; one writer per folder. */
  spillDir: string;
  /** Events kept in memory for the store; beyond it they go to disk. Default 10,000. */
  maxBuffer?: number;
  /** Events per store write. Default 500. */
  batchSize?: number;
  /** A partial batch waits at most this long. Default 250 ms. */
  flushIntervalMs?: number;
  /** Backoff between retries of a failed write: from min, doubling, up to max. 100 ms → 5 s. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** A store write (or ping) that takes longer counts as failed. Default 30 s. */
  writeTimeoutMs?: number;
  /** How long close() tries the store before spilling what is left. Default 5 s. */
  closeTimeoutMs?: number;
  /** Events per spill file (replay loads one file at a time). Default 5,000. */
  spillFileEvents?: number;
  timers?: WriterTimers;
  log?: AuditLogger;
}

export type WriterSettings = Required<Omit<AuditWriterOptions, "store" | "spillDir" | "timers" | "log">>;

const DEFAULTS: WriterSettings = {
  maxBuffer: 10_000,
  batchSize: 500,
  flushIntervalMs: 250,
  retryMinMs: 100,
  retryMaxMs: 5_000,
  writeTimeoutMs: 30_000,
  closeTimeoutMs: 5_000,
  spillFileEvents: 5_000,
};

/** The numeric settings with defaults filled in; a zero, negative or non-finite value is refused. */
export function writerSettings(options: AuditWriterOptions): WriterSettings {
  const out = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof WriterSettings)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`AuditWriter: ${key} must be a positive number, got ${value}`);
    out[key] = value;
  }
  return out;
}

// Two writers on one folder would replay (and delete) each other's open files. Kept on
// globalThis because the custom server and Next's bundles load this module separately.
const claimed: Set<string> = ((globalThis as { __toolgateAuditDirs?: Set<string> }).__toolgateAuditDirs ??= new Set());

/** Reserves a spill folder for one writer; throws if another writer in this process has it. */
export function claimDir(dir: string): string {
  const resolved = path.resolve(dir);
  if (claimed.has(resolved)) throw new Error(`another AuditWriter is already using ${resolved}; keep one writer per process`);
  claimed.add(resolved);
  return resolved;
}

export function releaseDir(dir: string): void {
  claimed.delete(dir);
}
