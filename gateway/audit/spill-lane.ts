import type { AuditEvent } from "../ports";
import { Backoff } from "./backoff";
import { SpillFiles } from "./spill-files";
import type { AuditLogger, WriterTimers } from "./types";

export interface SpillLaneOptions {
  dir: string;
  /** Most events held in memory on their way to disk. */
  capacity: number;
  maxEventsPerFile: number;
  timers: WriterTimers;
  log: AuditLogger;
  /** Called after events reached the disk, so the writer can replay them when the store is up. */
  onSpilled: () => void;
  onError: (message: string) => void;
}

/**
 * The way to disk for events the memory buffer has no room for. Every file operation runs on one
 * promise chain, so appends, sealing and quarantine never interleave. It is separate from the
 * store writes on purpose: a store write that hangs must not stop events from reaching the disk.
 * Events leave the overflow only once fsync'd; a failed append is retried with backoff.
 */
export class SpillLane {
  readonly files: SpillFiles;
  readonly ready: Promise<void>;
  spilled = 0;
  private readonly overflow: AuditEvent[] = [];
  private tail: Promise<void>;
  private scheduled = false;
  private closed = false;
  private retryTimer: unknown = null;
  private readonly backoff = new Backoff(100, 5_000);

  constructor(private readonly opts: SpillLaneOptions) {
    this.files = new SpillFiles(opts.dir, opts.maxEventsPerFile, opts.log);
    // A directory we cannot prepare is not fatal: the store path still works, and appends
    // (which create the directory again) report their own errors.
    this.ready = this.files.init().catch((e: Error) => opts.log.error(`audit spill: cannot prepare ${opts.dir}: ${e.message}`));
    this.tail = this.ready;
  }

  /** Events in memory waiting for the disk. */
  get buffered(): number {
    return this.overflow.length;
  }

  /** Takes an event for the disk; false when the overflow is full too. O(1). */
  offer(event: AuditEvent): boolean {
    if (this.overflow.length >= this.opts.capacity) return false;
    this.overflow.push(event);
    this.schedule();
    return true;
  }

  /** Runs a file operation after every operation queued before it. */
  run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op);
    this.tail = result.then(noop, noop);
    return result;
  }

  /** Writes the overflow to disk now (skipping any backoff wait); rejects if that fails. */
  async flush(): Promise<void> {
    this.cancelRetry();
    await this.run(() => this.spillOverflow(true));
  }

  /**
   * Appends `earlier` (events the writer still held) and the overflow, then closes the open file.
   * Rejects if the disk refuses them; the caller reports how many were lost.
   */
  async close(earlier: AuditEvent[]): Promise<void> {
    this.closed = true;
    this.cancelRetry();
    await this.run(async () => {
      const rest = [...earlier, ...this.overflow];
      try {
        if (rest.length > 0) await this.files.append(rest);
        this.overflow.length = 0;
        this.spilled += rest.length;
      } finally {
        await this.files.close();
      }
    });
  }

  /** Settles once no file operation is running or queued. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.retryTimer !== null) return;
    this.scheduled = true;
    void this.run(() => this.spillOverflow(false));
  }

  private async spillOverflow(rethrow: boolean): Promise<void> {
    this.scheduled = false;
    const batch = this.overflow.slice();
    if (batch.length === 0) return;
    try {
      await this.files.append(batch);
    } catch (error) {
      this.onAppendFailed(error as Error);
      if (rethrow) throw error;
      return;
    }
    this.overflow.splice(0, batch.length);
    this.spilled += batch.length;
    this.backoff.reset();
    if (this.overflow.length > 0) this.schedule();
    this.opts.onSpilled();
  }

  private onAppendFailed(error: Error): void {
    const delay = this.backoff.next();
    const message = `audit spill: cannot write to ${this.opts.dir}: ${error.message} (retrying in ${delay} ms)`;
    this.opts.log.error(message);
    this.opts.onError(message);
    this.cancelRetry();
    this.retryTimer = this.opts.timers.setTimeout(() => {
      this.retryTimer = null;
      this.schedule();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer === null) return;
    this.opts.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

function noop(): void {}
