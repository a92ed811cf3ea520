import type { AuditEvent } from "../ports";
import type { SpillLane } from "./spill-lane";
import type { AuditLogger } from "./types";

interface LoadedFile {
  name: string;
  events: AuditEvent[];
  next: number;
}

/**
 * Feeds spilled events back to the store, oldest file first, one file in memory at a time.
 * A file is deleted only after all its events were written. If a write fails halfway, the
 * file's progress is kept in memory; after a restart the whole file is replayed again, which
 * the store's idempotence by event id makes harmless.
 */
export class Replayer {
  private loaded: LoadedFile | null = null;

  constructor(
    private readonly lane: SpillLane,
    private readonly log: AuditLogger,
  ) {}

  /** Whether a file is loaded and partly replayed. */
  get active(): boolean {
    return this.loaded !== null;
  }

  /** The next events to write (at most `size`), or null when nothing is spilled. */
  async next(size: number): Promise<AuditEvent[] | null> {
    this.loaded ??= await this.loadOldest();
    if (!this.loaded) return null;
    return this.loaded.events.slice(this.loaded.next, this.loaded.next + size);
  }

  /** Marks `count` events of the current file written; deletes the file when all were. */
  async advance(count: number): Promise<void> {
    const file = this.loaded;
    if (!file) return;
    file.next += count;
    if (file.next < file.events.length) return;
    this.loaded = null;
    await this.lane.files.remove(file.name);
  }

  private async loadOldest(): Promise<LoadedFile | null> {
    for (;;) {
      const name = await this.oldestFile();
      if (!name) return null;
      const events = await this.readOrSetAside(name);
      if (events && events.length > 0) return { name, events, next: 0 };
      if (events) await this.lane.files.remove(name);
    }
  }

  /**
   * The oldest sealed file. The file still open for appends is sealed first, but only once the
   * overflow is empty: while events are still spilling it keeps growing, and sealing it at every
   * turn would leave a trail of tiny files.
   */
  private async oldestFile(): Promise<string | undefined> {
    const files = this.lane.files;
    if (!files.oldestSealed() && files.hasOpenFile && this.lane.buffered === 0) {
      await this.lane.run(() => files.seal());
    }
    return files.oldestSealed();
  }

  /** null when unreadable: it is moved aside (kept, not retried forever). */
  private async readOrSetAside(name: string): Promise<AuditEvent[] | null> {
    try {
      return await this.lane.files.read(name);
    } catch (error) {
      this.log.error(`audit spill: cannot read ${name} (${(error as Error).message}); moved aside as ${name}.unreadable`);
      await this.lane.files.setAside(name);
      return null;
    }
  }
}
