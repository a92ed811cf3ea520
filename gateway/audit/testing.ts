import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AuditEvent } from "../ports";
import type { PingableAuditStore } from "./writer";
import type { AuditLogger, WriterTimers } from "./types";

// Test doubles for the audit writer: a clock the test moves, a store that fails on demand.

export class ManualTimers implements WriterTimers {
  private nowMs = 1_700_000_000_000;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.nowMs + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Milliseconds until the next timer, or null when none is set. */
  nextIn(): number | null {
    let next: number | null = null;
    for (const t of this.pending.values()) next = next === null ? t.at : Math.min(next, t.at);
    return next === null ? null : next - this.nowMs;
  }

  /** Moves time forward, firing each timer that comes due, in order. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.nowMs = due[1].at;
      due[1].fn();
    }
    this.nowMs = target;
  }
}

export interface StoreCall {
  at: number;
  ids: string[];
  ok: boolean;
}

/** An idempotent in-memory table (insert skips known ids), with switches for failures. */
export class FakeStore implements PingableAuditStore {
  readonly table: AuditEvent[] = [];
  readonly calls: StoreCall[] = [];
  down = false;
  /** While down, write this many events of each batch before failing (a partial write). */
  partialWrites = 0;
  /** Ids the store refuses even when up, as PostgreSQL refuses a value it cannot hold. */
  readonly refused = new Set<string>();
  /** When set, writes never settle (a connection that hangs). */
  hang = false;
  /** Called before each write; may flip the switches above. */
  onWrite: ((events: AuditEvent[]) => void) | null = null;
  private readonly ids = new Set<string>();

  constructor(private readonly clock: { now(): number } = { now: () => Date.now() }) {}

  writeBatch(events: AuditEvent[]): Promise<void> {
    const call: StoreCall = { at: this.clock.now(), ids: events.map((e) => e.id), ok: false };
    this.calls.push(call);
    this.onWrite?.(events);
    if (this.hang) return new Promise(() => {});
    if (this.down) {
      this.insert(events.slice(0, this.partialWrites));
      return Promise.reject(new Error("connection refused"));
    }
    if (events.some((e) => this.refused.has(e.id))) return Promise.reject(new Error("invalid byte sequence"));
    this.insert(events);
    call.ok = true;
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return this.down || this.hang ? Promise.reject(new Error("connection refused")) : Promise.resolve();
  }

  /** How many times the store was sent each id. */
  deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const c of this.calls) for (const id of c.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }

  private insert(events: AuditEvent[]): void {
    for (const e of events) {
      if (this.ids.has(e.id)) continue;
      this.ids.add(e.id);
      this.table.push(e);
    }
  }
}

/** A store without ping: the writer cannot tell a refused event from an outage. */
export function withoutPing(store: FakeStore): { writeBatch: FakeStore["writeBatch"] } {
  return { writeBatch: (events) => store.writeBatch(events) };
}

export function makeEvent(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `evt_${String(n).padStart(26, "0")}`,
    time: new Date(1_700_000_000_000 + n).toISOString(),
    orgId: "org_test",
    serverId: "srv_test",
    grantId: "gnt_test",
    sessionId: null,
    requestId: String(n),
    method: "tools/call",
    tool: "echo",
    operation: null,
    decision: "allow",
    rulePointer: null,
    message: null,
    policyVersion: 1,
    argKeys: ["text"],
    args: null,
    latencyMs: 1.5,
    upstreamStatus: 200,
    approvalId: null,
    ...overrides,
  };
}

export function makeEvents(from: number, count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => makeEvent(from + i));
}

export class MemoryLog implements AuditLogger {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
  error(message: string): void {
    this.errors.push(message);
  }
}

export function tempDir(prefix = "audit-"): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface Drivable {
  idle(): Promise<void>;
  stats(): { buffered: number; spillFiles: number };
}

/**
 * Lets background work finish and fires timers one by one until the writer holds nothing (in
 * memory or on disk). Throws if that takes more than `limitMs` of fake time.
 */
export async function runUntilQuiet(writer: Drivable, timers: ManualTimers, limitMs = 600_000): Promise<void> {
  const end = timers.now() + limitMs;
  for (;;) {
    await writer.idle();
    const s = writer.stats();
    if (s.buffered === 0 && s.spillFiles === 0) return;
    const next = timers.nextIn();
    if (next === null || timers.now() + next > end) {
      throw new Error(`writer not quiet: ${JSON.stringify(s)}; next timer ${next}`);
    }
    timers.advance(next);
  }
}
