// What a client sees on the wire from the gateway: raw POSTs with every message of the answer
// parsed (a JSON body, a batch, or the events of an SSE stream), for tests that must check the
// exact answer rather than what an SDK client makes of it.
export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

export interface WireAnswer {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** JSON-RPC messages of the answer, in order: one per JSON body or batch item, one per SSE data event. */
  messages: unknown[];
  /** The SSE events, when the answer is a stream. */
  events: SseEvent[];
  /** Set when the body should have been JSON but did not parse. */
  parseError?: string;
  ms: number;
}

export const ACCEPT_BOTH = "application/json, text/event-stream";

export async function postRpc(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<WireAnswer> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT_BOTH, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
  return readAnswer(res, started);
}

export async function readAnswer(res: Response, started = performance.now()): Promise<WireAnswer> {
  const text = await res.text();
  const contentType = res.headers.get("content-type") ?? "";
  const answer: WireAnswer = { status: res.status, headers: res.headers, contentType, text, messages: [], events: [], ms: 0 };
  if (contentType.startsWith("text/event-stream")) {
    answer.events = parseSse(text);
    for (const ev of answer.events) {
      if (ev.data === undefined || ev.data === "") continue;
      try {
        answer.messages.push(JSON.parse(ev.data));
      } catch (err) {
        answer.parseError = `SSE data is not JSON: ${(err as Error).message}: ${ev.data.slice(0, 200)}`;
      }
    }
  } else if (text.length > 0) {
    try {
      const parsed = JSON.parse(text) as unknown;
      answer.messages = Array.isArray(parsed) ? parsed : [parsed];
    } catch (err) {
      answer.parseError = `body is not JSON: ${(err as Error).message}: ${text.slice(0, 200)}`;
    }
  }
  answer.ms = performance.now() - started;
  return answer;
}

/** A complete SSE parse (per the HTML spec): an unterminated last event is not dispatched. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let current: SseEvent = {};
  let data: string[] | null = null;
  const lines = text.split(/\r\n|\r|\n/);
  // The last element is what followed the final line break: an unfinished line, never dispatched.
  lines.pop();
  for (const line of lines) {
    if (line === "") {
      if (data !== null || current.id !== undefined || current.event !== undefined || current.retry !== undefined) {
        if (data !== null) current.data = data.join("\n");
        events.push(current);
      }
      current = {};
      data = null;
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") (data ??= []).push(value);
    else if (field === "id") current.id = value;
    else if (field === "event") current.event = value;
    else if (field === "retry") current.retry = value;
  }
  return events;
}

interface RpcResponse {
  jsonrpc: "2.0";
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** The response with this id among an answer's messages. */
export function responseFor(answer: WireAnswer, id: string | number): RpcResponse | undefined {
  return answer.messages.find((m): m is RpcResponse => typeof m === "object" && m !== null && (m as RpcResponse).id === id && ("result" in m || "error" in m));
}

/** True for a well-formed JSON-RPC 2.0 error object (what the gateway answers itself). */
export function isRpcError(m: unknown): boolean {
  if (typeof m !== "object" || m === null) return false;
  const r = m as RpcResponse;
  return r.jsonrpc === "2.0" && typeof r.error === "object" && r.error !== null && Number.isInteger(r.error.code) && typeof r.error.message === "string";
}

export const initializeRequest = (id: string | number = 1, protocolVersion = "2025-06-18", capabilities: Record<string, unknown> = {}) => ({
  jsonrpc: "2.0" as const,
  id,
  method: "initialize",
  params: { protocolVersion, capabilities, clientInfo: { name: "wire-test", version: "1.0.0" } },
});

export const toolsCall = (id: string | number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: "2.0" as const,
  id,
  method: "tools/call",
  params: { name, arguments: args },
});
