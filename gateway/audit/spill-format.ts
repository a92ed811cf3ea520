import type { AuditEvent } from "../ports";

// Spill files are JSON Lines: one event per line, each line written whole with its newline in
// the same write() call. A crash can therefore only leave the last line incomplete.

export function encodeLines(events: readonly AuditEvent[]): string {
  let out = "";
  for (const event of events) out += `${encodeEvent(event)}\n`;
  return out;
}

/**
 * One event as JSON. Arguments come from a parsed JSON-RPC body so they always serialise; the
 * fallback exists because record() must not lose an event over, say, a BigInt a caller added.
 */
function encodeEvent(event: AuditEvent): string {
  try {
    return JSON.stringify(event);
  } catch (error) {
    return JSON.stringify({ ...event, args: { unserializable: String(error) } });
  }
}

export interface DecodedLines {
  events: AuditEvent[];
  /** Lines that were not events: a torn last line after a crash, or damage. */
  skipped: { line: number; reason: string }[];
}

export function decodeLines(text: string): DecodedLines {
  const lines = text.split("\n");
  // A file that ends with a newline splits into a last empty string: nothing torn.
  if (lines[lines.length - 1] === "") lines.pop();
  const events: AuditEvent[] = [];
  const skipped: DecodedLines["skipped"] = [];
  lines.forEach((line, index) => {
    const event = parseEvent(line);
    if (event) events.push(event);
    else skipped.push({ line: index + 1, reason: index === lines.length - 1 && !text.endsWith("\n") ? "torn last line" : "not an audit event" });
  });
  return { events, skipped };
}

function parseEvent(line: string): AuditEvent | null {
  if (line.trim() === "") return null;
  try {
    const value: unknown = JSON.parse(line);
    return isAuditEvent(value) ? value : null;
  } catch {
    return null;
  }
}

function isAuditEvent(value: unknown): value is AuditEvent {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === "string" &&
    typeof v.time === "string" &&
    typeof v.orgId === "string" &&
    typeof v.serverId === "string" &&
    typeof v.method === "string" &&
    typeof v.decision === "string" &&
    Array.isArray(v.argKeys)
  );
}
