// A streaming Server-Sent Events splitter that keeps each event's raw text, so events the
// gateway does not change are passed on exactly as the upstream wrote them (ids and all), and
// the few it does change (a filtered tools/list result) are re-serialized with their id.

export interface SseEvent {
  /** The event as received, including its terminating blank line. */
  raw: string;
  /** The joined `data:` lines, or undefined for an event without data (comments, retry). */
  data?: string;
  id?: string;
  event?: string;
}

const MAX_EVENT_CHARS = 16 * 1024 * 1024;

export class SseSplitter {
  private buffer = "";

  /** Adds a chunk; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const end = findEventEnd(this.buffer);
      if (end < 0) break;
      events.push(parseEvent(this.buffer.slice(0, end)));
      this.buffer = this.buffer.slice(end);
    }
    if (this.buffer.length > MAX_EVENT_CHARS) throw new Error("upstream SSE event larger than 16 MiB");
    return events;
  }

  /** Whatever is left when the stream ends (an unterminated event), passed on as is. */
  rest(): string {
    const r = this.buffer;
    this.buffer = "";
    return r;
  }
}

/** Index just past the blank line that ends the first event, or -1. Handles \n, \r\n and \r. */
function findEventEnd(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    const lineEnd = c === 13 && s.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
    if (c === 13 && lineEnd === s.length) return -1; // a lone \r might be the start of \r\n
    const n = s.charCodeAt(lineEnd);
    if (n === 10) return lineEnd + 1;
    if (n === 13) {
      // The blank line ends the event either way; a \n that may follow lands harmlessly at
      // the start of the next event's raw text (blank lines before an event are ignored).
      return s.charCodeAt(lineEnd + 1) === 10 ? lineEnd + 2 : lineEnd + 1;
    }
    i = lineEnd - 1;
  }
  return -1;
}

function parseEvent(raw: string): SseEvent {
  const ev: SseEvent = { raw };
  let data: string[] | undefined;
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") (data ??= []).push(value);
    else if (field === "id") ev.id = value;
    else if (field === "event") ev.event = value;
  }
  if (data) ev.data = data.join("\n");
  return ev;
}

/** Writes an event with new data, keeping its id and event type. */
export function serializeEvent(ev: { id?: string; event?: string }, data: string): string {
  let out = "";
  if (ev.event !== undefined) out += `event: ${ev.event}\n`;
  if (ev.id !== undefined) out += `id: ${ev.id}\n`;
  for (const line of data.split("\n")) out += `data: ${line}\n`;
  return out + "\n";
}
