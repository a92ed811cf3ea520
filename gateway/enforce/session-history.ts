import { createHash } from "node:crypto";
import type { RiskCategory } from "../policy";

// Per-session call counts for session-history rules (`session.call_count`, "at most N
// destructive calls per session"). Kept in this process, bounded (least recently used sessions
// are dropped first): a session that moves to another replica starts counting again there.
export interface Counts {
  call_count: number;
  tool_counts: Record<string, number>;
  category_counts: Partial<Record<RiskCategory, number>>;
}

interface Stored {
  call_count: number;
  /** Per tool name; names longer than NAME_KEY_CHARS are keyed by a digest (see toolKey). */
  tools: Map<string, number>;
  category_counts: Partial<Record<RiskCategory, number>>;
}

/**
 * Tool names up to this length are kept as they are. MCP names are at most 128 characters;
 * a longer one can only come from a client making names up, and keeping it would let each
 * call pin up to a whole request body (4 MiB) in memory for the session's lifetime.
 */
const NAME_KEY_CHARS = 128;

function toolKey(tool: string): string {
  return tool.length <= NAME_KEY_CHARS ? tool : `\0sha256:${createHash("sha256").update(tool).digest("base64url")}`;
}

export class SessionHistory {
  private readonly sessions = new Map<string, Stored>();
  constructor(private readonly maxSessions = 50_000) {}

  /**
   * The session's counts as a policy reads them for a call of `tool`: `tool_counts` holds that
   * tool's count (what `session.tool_call_count` reads), not every name the session used.
   */
  get(sessionId: string, tool: string): Counts | undefined {
    const c = this.touch(sessionId);
    if (!c) return undefined;
    return { call_count: c.call_count, tool_counts: { [tool]: c.tools.get(toolKey(tool)) ?? 0 }, category_counts: { ...c.category_counts } };
  }

  /** Counts one admitted call. */
  record(sessionId: string, tool: string, category?: RiskCategory) {
    let c = this.touch(sessionId);
    if (!c) {
      c = { call_count: 0, tools: new Map(), category_counts: {} };
      this.sessions.set(sessionId, c);
      if (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    }
    c.call_count++;
    const key = toolKey(tool);
    c.tools.set(key, (c.tools.get(key) ?? 0) + 1);
    if (category) c.category_counts[category] = (c.category_counts[category] ?? 0) + 1;
  }

  forget(sessionId: string) {
    this.sessions.delete(sessionId);
  }

  get size() {
    return this.sessions.size;
  }

  private touch(sessionId: string): Stored | undefined {
    const c = this.sessions.get(sessionId);
    if (c) {
      // Re-insert to mark it recently used (Map keeps insertion order).
      this.sessions.delete(sessionId);
      this.sessions.set(sessionId, c);
    }
    return c;
  }
}
