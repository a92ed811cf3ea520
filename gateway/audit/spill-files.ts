import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { AuditEvent } from "../ports";
import { decodeLines, encodeLines } from "./spill-format";
import type { AuditLogger } from "./types";

const FILE_PATTERN = /^audit-(\d{12})\.jsonl$/;
export const REJECTED_FILE = "rejected.jsonl";

interface OpenFile {
  name: string;
  handle: FileHandle;
  events: number;
}

/**
 * The spill directory: append-only JSONL files named `audit-<sequence>.jsonl`, replayed oldest
 * first. One file at a time is open for appending; it is sealed when it holds
 * `maxEventsPerFile` events (so replay reads a bounded amount into memory) or when the replayer
 * wants it. Sealed files are only read and deleted, never appended to again, so a torn line can
 * only be a file's last. Appends and seal() must not run concurrently (the writer serialises
 * them); read/remove of sealed files may run alongside.
 */
export class SpillFiles {
  private sealedFiles: string[] = [];
  private current: OpenFile | null = null;
  private nextSeq = 1;

  constructor(
    readonly dir: string,
    private readonly maxEventsPerFile: number,
    private readonly log: AuditLogger,
  ) {}

  /** Finds the files a previous run left behind; new files continue their sequence. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = (await readdir(this.dir)).filter((n) => FILE_PATTERN.test(n)).sort();
    this.sealedFiles = names;
    const last = names.at(-1);
    if (last) this.nextSeq = Number(FILE_PATTERN.exec(last)![1]) + 1;
  }

  /** Files waiting for replay, the open one included. */
  get fileCount(): number {
    return this.sealedFiles.length + (this.current ? 1 : 0);
  }

  get hasOpenFile(): boolean {
    return this.current !== null;
  }

  oldestSealed(): string | undefined {
    return this.sealedFiles[0];
  }

  /** Appends events, fsync'd before it resolves, rolling over to new files as they fill. */
  async append(events: readonly AuditEvent[]): Promise<void> {
    let offset = 0;
    while (offset < events.length) {
      const file = this.current ?? (await this.openNext());
      const count = Math.min(events.length - offset, this.maxEventsPerFile - file.events);
      await this.writeDurably(file, events.slice(offset, offset + count));
      offset += count;
      if (file.events >= this.maxEventsPerFile) await this.seal();
    }
  }

  /** Closes the open file (if any) so that it can be replayed. */
  async seal(): Promise<void> {
    const file = this.current;
    if (!file) return;
    this.current = null;
    this.sealedFiles.push(file.name);
    await file.handle.close().catch((e: Error) => this.log.warn(`audit spill: closing ${file.name}: ${e.message}`));
  }

  /** The events of a sealed file; torn or damaged lines are skipped with a warning. */
  async read(name: string): Promise<AuditEvent[]> {
    const { events, skipped } = decodeLines(await readFile(path.join(this.dir, name), "utf8"));
    for (const s of skipped) this.log.warn(`audit spill: skipped line ${s.line} of ${name} (${s.reason})`);
    return events;
  }

  /** Deletes a replayed file. Forgotten even if the unlink fails, so it is not replayed twice here. */
  async remove(name: string): Promise<void> {
    this.sealedFiles = this.sealedFiles.filter((n) => n !== name);
    await unlink(path.join(this.dir, name)).catch((e: Error) => this.log.error(`audit spill: cannot delete ${name}: ${e.message}`));
  }

  /** Moves an unreadable file aside (kept for a person to look at) instead of retrying it forever. */
  async setAside(name: string): Promise<void> {
    this.sealedFiles = this.sealedFiles.filter((n) => n !== name);
    await rename(path.join(this.dir, name), path.join(this.dir, `${name}.unreadable`)).catch(() => {});
  }

  /** Keeps an event the store refused, with the reason, for a person to look at. */
  async quarantine(event: AuditEvent, reason: string): Promise<void> {
    const line = JSON.stringify({ rejectedAt: new Date().toISOString(), reason, event });
    const handle = await open(path.join(this.dir, REJECTED_FILE), "a", 0o600);
    try {
      await handle.write(`${line}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {
    await this.seal();
  }

  private async openNext(): Promise<OpenFile> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `audit-${String(this.nextSeq++).padStart(12, "0")}.jsonl`;
    const handle = await open(path.join(this.dir, name), "a", 0o600);
    this.current = { name, handle, events: 0 };
    await this.syncDir();
    return this.current;
  }

  /**
   * One write() for the whole chunk, then fsync. If either fails the file is sealed as it is:
   * appending after a partial write would glue a good line onto the torn one.
   */
  private async writeDurably(file: OpenFile, events: readonly AuditEvent[]): Promise<void> {
    try {
      await file.handle.write(encodeLines(events));
      await file.handle.sync();
      file.events += events.length;
    } catch (error) {
      await this.seal();
      throw error;
    }
  }

  /** A new file's directory entry must be durable too, or a crash could lose the whole file. */
  private async syncDir(): Promise<void> {
    try {
      const dir = await open(this.dir, "r");
      await dir.sync().finally(() => dir.close());
    } catch {
      // Not every filesystem lets a directory be fsync'd; the data itself is still synced.
    }
  }
}
