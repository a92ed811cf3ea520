import type { LogStream } from "./types";

export interface LogLine {
  seq: number;
  time: string;
  pid: number | null;
  stream: LogStream;
  text: string;
}

// The stderr and lifecycle lines of each server's processes, kept in memory (the last
// `capacity` per server) for the dashboard's Logs panel. Sequence numbers only grow, so a reader
// polls with `after=<last seq>` and never sees a line twice.
export class ServerLogs {
  private readonly logs = new Map<string, LogLine[]>();
  private seq = 0;

  constructor(
    private readonly capacity = 1_000,
    private readonly maxLineChars = 4_000,
  ) {}

  append(serverId: string, stream: LogStream, text: string, pid: number | null) {
    let lines = this.logs.get(serverId);
    if (!lines) this.logs.set(serverId, (lines = []));
    lines.push({ seq: ++this.seq, time: new Date().toISOString(), pid, stream, text: text.length > this.maxLineChars ? `${text.slice(0, this.maxLineChars)}…` : text });
    if (lines.length > this.capacity) lines.splice(0, lines.length - this.capacity);
  }

  /** Lines after `after` (oldest first), at most `limit`; `next` is the seq to pass next time. */
  read(serverId: string, after = 0, limit = 500): { items: LogLine[]; next: number } {
    const lines = this.logs.get(serverId) ?? [];
    const items = lines.filter((l) => l.seq > after).slice(0, limit);
    return { items, next: items.length ? items[items.length - 1].seq : Math.max(after, 0) };
  }

  forget(serverId: string) {
    this.logs.delete(serverId);
  }
}
