import type { AuditEvent, AuditStore } from "../ports";
import { AuditTimeoutError, withTimeout } from "./timeout";
import type { WriterTimers } from "./types";

/**
 * A store that can tell "I am down" from "I refuse this event". With ping, an event the store
 * refuses on its own (say, a value PostgreSQL cannot hold) is set aside in rejected.jsonl
 * instead of blocking every event behind it; without ping it is retried like an outage.
 */
export interface PingableAuditStore extends AuditStore {
  ping(): Promise<void>;
}

/** A lone event must fail this often while the store answers pings before it is set aside. */
const STRIKES = 2;
/**
 * Events set aside in a row with no successful write between them. Beyond this the store is
 * more likely broken for every event (a schema out of date) than fed bad ones: retry instead,
 * so events wait on disk for the fix rather than pile up in rejected.jsonl.
 */
export const MAX_REJECT_STREAK = 5;

/**
 * Decides whether a failed write of one event is the event's fault. The writer halves a failing
 * batch down to a single event; if that event fails twice while the store answers a ping, the
 * store is up and refuses that event, so holding it back would only block the ones behind it.
 */
export class RefusalDetector {
  private suspect: { id: string; strikes: number } | null = null;
  private streak = 0;

  constructor(
    private readonly store: AuditStore,
    private readonly pingTimeoutMs: number,
    private readonly timers: WriterTimers,
  ) {}

  async refusedAlone(event: AuditEvent, error: unknown): Promise<boolean> {
    const store = this.store as Partial<PingableAuditStore>;
    if (typeof store.ping !== "function" || error instanceof AuditTimeoutError) return false;
    if (this.streak >= MAX_REJECT_STREAK) return false;
    try {
      await withTimeout(store.ping(), this.pingTimeoutMs, "audit store ping", this.timers);
    } catch {
      return false;
    }
    if (this.suspect?.id !== event.id) this.suspect = { id: event.id, strikes: 0 };
    return ++this.suspect.strikes >= STRIKES;
  }

  /** An event was set aside; true when that ends the allowance (time to say so in the log). */
  rejected(): boolean {
    this.suspect = null;
    return ++this.streak === MAX_REJECT_STREAK;
  }

  written(): void {
    this.suspect = null;
    this.streak = 0;
  }
}
