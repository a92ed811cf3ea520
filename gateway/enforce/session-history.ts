import type { RiskCategory } from "../policy";

// Per-session call counts for session-history rules (`session.call_count`, "at most N
// destructive calls per session"). Kept in this process, bounded (least recently used sessions
// are dropped first): a session that moves to another replica starts counting again there.
interface Counts {
  call_count: number;
  tool_counts: Record<string, number>;
  category_counts: Partial<Record<RiskCategory, number>>;
}

export class SessionHistory {
  private readonly sessions = new Map<string, Counts>();
  constructor(private readonly maxSessions = 50_000) {}

  get(sessionId: string): Counts | undefined {
    const c = this.sessions.get(sessionId);
    if (c) {
      // Re-insert to mark it recently used (Map keeps insertion order).
      this.sessions.delete(sessionId);
      this.sessions.set(sessionId, c);
    }
    return c;
  }

  /** Counts one admitted call. */
  record(sessionId: string, tool: string, category?: RiskCategory) {
    let c = this.get(sessionId);
    if (!c) {
      c = { call_count: 0, tool_counts: {}, category_counts: {} };
      this.sessions.set(sessionId, c);
      if (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    }
    c.call_count++;
    c.tool_counts[tool] = (c.tool_counts[tool] ?? 0) + 1;
    if (category) c.category_counts[category] = (c.category_counts[category] ?? 0) + 1;
  }

  forget(sessionId: string) {
    this.sessions.delete(sessionId);
  }

  get size() {
    return this.sessions.size;
  }
}
