import path from "node:path";
import type { AuditEvent, AuditStore } from "../ports";
import { Backoff } from "./backoff";
import { BoundedQueue } from "./bounded-queue";
import { claimDir, releaseDir, writerSettings, type AuditWriterOptions, type WriterSettings } from "./options";
import { MAX_REJECT_STREAK, RefusalDetector } from "./refusals";
import { Replayer } from "./replay";
import { REJECTED_FILE } from "./spill-files";
import { SpillLane } from "./spill-lane";
import { errorMessage, withTimeout } from "./timeout";
import { realTimers, type AuditLogger, type AuditWriterStats, type WriterTimers } from "./types";

export type { AuditWriterOptions } from "./options";
export type { PingableAuditStore } from "./refusals";

type Work = { source: "queue" | "replay"; events: AuditEvent[] };
type Outcome = "written" | "rejected" | "failed";

const DROP_LOG_EVERY_MS = 5_000;

/**
 * The gateway's audit trail writer. record() only appends to a bounded in-memory queue (or, when
 * that is full, to the disk lane), so a call never waits for the database. A background loop
 * writes batches; failures are retried with backoff, halving the batch each time (so one
 * refused event is isolated) and doubling it back on success. Spilled files are replayed, oldest
 * first, when the store answers, and deleted only once written. Because the store is idempotent
 * by event id, anything uncertain (a timed-out write, a crash mid-replay) is simply written again.
 *
 * Memory holds at most maxBuffer events for the store, maxBuffer more on their way to disk, and
 * one spill file being replayed (spillFileEvents); beyond that events are dropped, counted in
 * stats().dropped and logged, which takes the disk failing or falling behind as well as the store.
 * record() keeps a reference to the event: do not change it afterwards.
 */
export class AuditWriter {
  private readonly store: AuditStore;
  private readonly cfg: WriterSettings;
  private readonly timers: WriterTimers;
  private readonly log: AuditLogger;
  private readonly dir: string;
  private readonly queue: BoundedQueue<AuditEvent>;
  private readonly lane: SpillLane;
  private readonly replayer: Replayer;
  private readonly backoff: Backoff;
  private readonly refusals: RefusalDetector;
  private attemptSize: number;
  private timer: unknown = null;
  private retrying = false;
  private due = false;
  private flushing = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private closing: Promise<void> | null = null;
  private closed = false;
  private lastDropLog = -Infinity;
  private lastError: string | null = null;
  private readonly counts = { written: 0, failedBatches: 0, rejected: 0, dropped: 0 };

  constructor(options: AuditWriterOptions) {
    this.store = options.store;
    this.cfg = writerSettings(options);
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? console;
    this.dir = claimDir(options.spillDir);
    this.queue = new BoundedQueue(this.cfg.maxBuffer);
    this.backoff = new Backoff(this.cfg.retryMinMs, this.cfg.retryMaxMs);
    this.attemptSize = this.cfg.batchSize;
    this.refusals = new RefusalDetector(this.store, this.cfg.writeTimeoutMs, this.timers);
    this.lane = new SpillLane({
      dir: this.dir,
      capacity: this.cfg.maxBuffer,
      maxEventsPerFile: this.cfg.spillFileEvents,
      timers: this.timers,
      log: this.log,
      onSpilled: () => this.kickUnlessRetrying(),
      onError: (message) => (this.lastError = message),
    });
    this.replayer = new Replayer(this.lane, this.log);
    // Files left by a previous run are replayed as soon as the directory has been read.
    void this.lane.ready.then(() => this.kick());
  }

  /** Queues an event for writing. Never blocks, never throws, O(1). */
  record(event: AuditEvent): void {
    try {
      if (this.closed) return this.drop(1, "recorded after close()");
      if (this.queue.push(event)) return this.onQueued();
      if (!this.lane.offer(event)) this.drop(1, "the memory buffer and the spill queue are both full");
    } catch (error) {
      this.log.error(`audit: record failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Writes everything recorded so far, spilled events included, without waiting for the flush
   * interval or a backoff delay. Rejects if the store (or the disk) fails meanwhile; the events
   * stay queued and the background retries go on.
   */
  async flush(): Promise<void> {
    if (this.closed) return;
    await this.lane.ready;
    await this.lane.flush();
    this.flushing++;
    try {
      this.clearTimer();
      this.retrying = false;
      this.kick();
      await this.pumping;
    } finally {
      this.flushing--;
    }
    if (this.retrying) throw new Error(`audit flush failed: ${this.lastError ?? "the store refused the batch"}`);
  }

  /**
   * Stops the writer: tries the store for up to closeTimeoutMs, then appends whatever is still
   * in memory to the spill files (replayed by the next writer on this folder). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  stats(): AuditWriterStats {
    return {
      buffered: this.queue.length + this.lane.buffered,
      spilled: this.lane.spilled,
      spillFiles: this.lane.files.fileCount,
      ...this.counts,
      retrying: this.retrying,
      lastError: this.lastError,
    };
  }

  /** Settles once no store write, replay or file operation is running (for tests). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
    await this.lane.idle();
    if (this.pumping) await this.idle();
  }

  private onQueued(): void {
    if (this.retrying) return; // the retry timer will pick the event up
    if (this.queue.length >= this.cfg.batchSize) this.kick();
    else if (this.timer === null) this.arm(this.cfg.flushIntervalMs);
  }

  private kickUnlessRetrying(): void {
    if (!this.retrying) this.kick();
  }

  /** Starts the write loop, or asks the running one to look again when it is done. */
  private kick(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pumpLoop();
  }

  private async pumpLoop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.pump();
      } while (this.again && !this.retrying && !this.closed);
    } catch (error) {
      this.log.error(`audit: write loop failed: ${errorMessage(error)}`);
    } finally {
      this.pumping = null;
      if (!this.retrying && !this.closed && this.queue.length > 0 && this.timer === null) this.arm(this.cfg.flushIntervalMs);
    }
  }

  /** Writes until there is nothing due or a write fails (which arms the retry timer). */
  private async pump(): Promise<void> {
    await this.lane.ready;
    while (!this.closed && !this.retrying) {
      const work = await this.nextWork();
      if (!work) {
        this.due = false;
        return;
      }
      const outcome = await this.attempt(work.events);
      if (outcome === "failed") return;
      await this.settle(work);
    }
  }

  /** Full batches from memory first (they free room), then spilled events, then a due partial batch. */
  private async nextWork(): Promise<Work | null> {
    const size = this.attemptSize;
    if (this.queue.length >= this.cfg.batchSize) return { source: "queue", events: this.queue.peek(size) };
    const replayed = await this.replayer.next(size);
    if (replayed && replayed.length > 0) return { source: "replay", events: replayed };
    if (this.queue.length > 0 && (this.due || this.flushing > 0)) return { source: "queue", events: this.queue.peek(size) };
    return null;
  }

  private async attempt(events: AuditEvent[]): Promise<Outcome> {
    try {
      await withTimeout(this.store.writeBatch(events), this.cfg.writeTimeoutMs, "audit store write", this.timers);
    } catch (error) {
      return this.onWriteFailed(events, error);
    }
    this.counts.written += events.length;
    this.backoff.reset();
    this.retrying = false;
    this.refusals.written();
    this.attemptSize = Math.min(this.cfg.batchSize, this.attemptSize * 2);
    return "written";
  }

  private async onWriteFailed(events: AuditEvent[], error: unknown): Promise<Outcome> {
    this.counts.failedBatches++;
    this.lastError = `audit store: ${errorMessage(error)}`;
    if (events.length === 1 && (await this.refusals.refusedAlone(events[0], error))) {
      await this.reject(events[0], error);
      return "rejected";
    }
    // Halving isolates an event the store refuses; during an outage it costs nothing.
    this.attemptSize = Math.max(1, Math.ceil(events.length / 2));
    this.retrying = true;
    this.clearTimer();
    this.arm(this.backoff.next());
    return "failed";
  }

  private async reject(event: AuditEvent, error: unknown): Promise<void> {
    this.counts.rejected++;
    const reason = errorMessage(error);
    this.log.error(`audit: the store refuses event ${event.id} (${reason}); kept in ${path.join(this.dir, REJECTED_FILE)}`);
    if (this.refusals.rejected()) {
      this.log.error(`audit: ${MAX_REJECT_STREAK} events refused in a row; retrying the next ones until a write succeeds`);
    }
    await this.lane
      .run(() => this.lane.files.quarantine(event, reason))
      .catch((e: Error) => this.log.error(`audit: cannot keep rejected event ${JSON.stringify(event)}: ${e.message}`));
  }

  private async settle(work: Work): Promise<void> {
    // After close() took the queue over (to spill it), a late success must not drop from it.
    if (this.closed) return;
    if (work.source === "queue") this.queue.drop(work.events.length);
    else await this.replayer.advance(work.events.length);
  }

  private async shutdown(): Promise<void> {
    try {
      await withTimeout(this.flush(), this.cfg.closeTimeoutMs, "audit flush at close", this.timers);
    } catch (error) {
      this.log.warn(`audit: closing while the store is unavailable (${errorMessage(error)}); spilling the rest to ${this.dir}`);
    }
    this.closed = true;
    this.clearTimer();
    const rest = this.queue.takeAll();
    const inMemory = rest.length + this.lane.buffered;
    try {
      await this.lane.close(rest);
    } catch (error) {
      this.counts.dropped += inMemory;
      this.log.error(`audit: ${inMemory} event(s) lost at close: cannot write to ${this.dir} (${errorMessage(error)})`);
    } finally {
      releaseDir(this.dir);
    }
  }

  private arm(ms: number): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.retrying = false;
      this.due = true;
      this.kick();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Counts a lost event; logged at most every few seconds so a flood cannot flood the log. */
  private drop(count: number, why: string): void {
    this.counts.dropped += count;
    this.lastError = `audit events dropped: ${why}`;
    const now = this.timers.now();
    if (now - this.lastDropLog < DROP_LOG_EVERY_MS) return;
    this.lastDropLog = now;
    this.log.error(`audit: ${this.counts.dropped} event(s) dropped so far: ${why}`);
  }
}
