import http from "node:http";
import https from "node:https";
import { SseSplitter, type SseEvent } from "../sse";
import { UpstreamError } from "../upstream";
import { UPSTREAM_UNAVAILABLE } from "../jsonrpc";
import { LegacyError, refusedCredentials } from "./errors";

// The upstream half of a legacy bridge: GET <url> as an SSE stream, and the `endpoint` event
// it starts with (where messages are POSTed). Each stream gets its own connection (agent:
// false): a stream holds its socket for the whole session, and must not take sockets from the
// keep-alive pool that the POSTs of every session share.

export interface LegacyStream {
  /** Where to POST messages: on the server's own origin. */
  endpoint: URL;
  /** The stream's events after `endpoint`, until the upstream closes it. */
  events: AsyncIterable<SseEvent>;
  close(): void;
}

export interface ConnectOptions {
  /** Time allowed for the response headers. */
  timeoutMs: number;
  /** Time allowed, after the headers, for the `endpoint` event. */
  endpointTimeoutMs: number;
  /** The initializing client's request: if it goes away while connecting, so does the stream. */
  signal?: AbortSignal;
}

const MAX_EARLY_EVENTS = 64;

export async function connectLegacyStream(url: URL, headers: Record<string, string>, opts: ConnectOptions): Promise<LegacyStream> {
  const { req, res } = await openGet(url, headers, opts.timeoutMs);
  const fail = (err?: Error) => (res.destroy(err), req.destroy());
  // The reader sees stream errors; this only keeps one that arrives between reads from crashing the process.
  res.on("error", () => {});
  const status = res.statusCode ?? 502;
  const type = String(res.headers["content-type"] ?? "");
  if (status !== 200 || !type.startsWith("text/event-stream")) {
    fail();
    if (status === 401 || status === 403) throw refusedCredentials(status);
    throw new LegacyError(502, UPSTREAM_UNAVAILABLE, `the upstream server at ${url.host} did not open a legacy HTTP+SSE stream (GET answered HTTP ${status}${type ? ` ${type}` : ""})`);
  }
  const onAbort = () => fail(new UpstreamError("aborted", "the client went away"));
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const events = readEvents(res);
  const early: SseEvent[] = [];
  try {
    const endpoint = await waitForEndpoint(events, early, url, opts.endpointTimeoutMs, fail);
    return { endpoint, events: replay(early, events), close: () => fail() };
  } catch (err) {
    fail();
    throw err;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

function openGet(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(url, { method: "GET", headers, agent: false });
    const timer = setTimeout(() => req.destroy(new UpstreamError("timeout", `the upstream server did not answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    req.on("response", (res) => (clearTimeout(timer), resolve({ req, res })));
    // Stays attached for the stream's life: a socket error after the headers must not crash the process.
    req.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err instanceof UpstreamError ? err : new UpstreamError("unreachable", `cannot open the legacy SSE stream at ${url.host}: ${err.code ?? err.message}`));
    });
    req.end();
  });
}

async function* readEvents(res: http.IncomingMessage): AsyncGenerator<SseEvent> {
  res.setEncoding("utf8");
  const splitter = new SseSplitter();
  for await (const chunk of res) yield* splitter.push(chunk as string);
}

async function* replay(early: SseEvent[], rest: AsyncGenerator<SseEvent>): AsyncGenerator<SseEvent> {
  yield* early;
  yield* rest;
}

async function waitForEndpoint(events: AsyncGenerator<SseEvent>, early: SseEvent[], base: URL, timeoutMs: number, fail: (err: Error) => void): Promise<URL> {
  const timer = setTimeout(() => fail(new UpstreamError("timeout", `the upstream server at ${base.host} announced no endpoint within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) throw new LegacyError(502, UPSTREAM_UNAVAILABLE, `the upstream server at ${base.host} closed its SSE stream before announcing an endpoint`);
      if (next.value.event === "endpoint" && next.value.data) return resolveEndpoint(next.value.data, base);
      // Messages before the endpoint are not expected, but are kept for the bridge rather than lost.
      if (next.value.data !== undefined && early.length < MAX_EARLY_EVENTS) early.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The endpoint, resolved against the stream's URL; only on the same origin (it gets the upstream credentials). */
function resolveEndpoint(data: string, base: URL): URL {
  let endpoint: URL;
  try {
    endpoint = new URL(data.trim(), base);
  } catch {
    throw new LegacyError(502, UPSTREAM_UNAVAILABLE, `the upstream server announced an endpoint that is not a URL: ${data.slice(0, 200)}`);
  }
  if (endpoint.origin !== base.origin) {
    throw new LegacyError(502, UPSTREAM_UNAVAILABLE, `the upstream server announced an endpoint on another origin (${endpoint.origin}); Toolgate sends the server's credentials only to its own origin`);
  }
  return endpoint;
}
