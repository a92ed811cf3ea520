import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";

// The gateway core speaks to these two small interfaces so that the same code serves Node's
// http server (the fast path of `npm start`) and Next's route handlers (Web Request/Response).

export interface GatewayRequest {
  method: string;
  /** Path and query, e.g. /mcp/srv_1?x=1 */
  url: string;
  header(name: string): string | undefined;
  /** The names of the headers the client sent, lowercase. */
  headerNames(): string[];
  body: AsyncIterable<Uint8Array>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export interface GatewayResponse {
  readonly started: boolean;
  start(status: number, headers: Record<string, string>): void;
  write(chunk: string | Uint8Array): Promise<void>;
  end(chunk?: string | Uint8Array): void;
  /** Streams a Node readable to the client with backpressure, then ends. */
  pipeFrom(source: Readable): Promise<void>;
}

export function nodeRequest(req: IncomingMessage, res: ServerResponse): GatewayRequest {
  const controller = new AbortController();
  // Only a response closed before it finished means the client went away; aborting after every
  // answer would also dispatch an abort event to each listener for nothing (~10 µs per call).
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    },
    headerNames: () => Object.keys(req.headers),
    body: req,
    signal: controller.signal,
  };
}

export function nodeResponse(res: ServerResponse): GatewayResponse {
  return {
    get started() {
      return res.headersSent;
    },
    start(status, headers) {
      res.writeHead(status, headers);
      // Node holds the head back until the first body byte. A stream's first event may take
      // minutes (the standalone GET stream is often silent), and until then the client would
      // not even know the status: the head of a stream goes out at once.
      if (isEventStream(headers)) res.flushHeaders();
    },
    write(chunk) {
      if (res.write(chunk)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => (res.off("drain", done), res.off("close", done), resolve());
        res.on("drain", done);
        res.on("close", done);
      });
    },
    end(chunk) {
      if (chunk === undefined) res.end();
      else res.end(chunk);
    },
    async pipeFrom(source) {
      await pipeline(source, res).catch(() => {
        /* the client or the upstream went away; nothing to report to either */
      });
    },
  };
}

function isEventStream(headers: Record<string, string>): boolean {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === "content-type") return value.toLowerCase().startsWith("text/event-stream");
  return false;
}

/**
 * A GatewayResponse that becomes a Web Response (for Next route handlers): the promise
 * resolves when the core calls start(); the body streams through a ReadableStream.
 */
export function webResponse(): { response: Promise<Response>; res: GatewayResponse } {
  let resolveResponse!: (r: Response) => void;
  const response = new Promise<Response>((r) => (resolveResponse = r));
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  // Writers wait while the consumer's queue is full; pull() (the consumer asking for more) or
  // cancel() (the client went away) lets them go on.
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  };
  const stream = new ReadableStream<Uint8Array>(
    { start: (c) => void (controller = c), pull: wake, cancel: () => ((ended = true), wake()) },
    { highWaterMark: 1 },
  );
  const enc = new TextEncoder();
  let started = false;
  let ended = false;
  const push = (chunk: string | Uint8Array) => controller.enqueue(typeof chunk === "string" ? enc.encode(chunk) : chunk);
  const res: GatewayResponse = {
    get started() {
      return started;
    },
    start(status, headers) {
      started = true;
      const noBody = status === 204 || status === 304;
      resolveResponse(new Response(noBody ? null : stream, { status, headers }));
      // Next sends the head with the first body chunk; a silent stream (the standalone GET
      // stream) would leave the client without even its status until the upstream's first
      // event or keep-alive (15 s for the SDK's servers, never for some). An empty chunk sends
      // the head now and adds no byte to the stream.
      if (!noBody && isEventStream(headers)) controller.enqueue(new Uint8Array(0));
    },
    async write(chunk) {
      if (ended) return;
      push(chunk);
      if ((controller.desiredSize ?? 1) <= 0 && !ended) await new Promise<void>((r) => waiters.push(r));
    },
    end(chunk) {
      if (ended) return;
      if (chunk !== undefined) push(chunk);
      ended = true;
      controller.close();
      wake();
    },
    async pipeFrom(source) {
      try {
        for await (const chunk of source) await res.write(chunk as Uint8Array);
      } catch {
        /* upstream went away */
      }
      res.end();
    },
  };
  return { response, res };
}

export function webRequest(req: Request): GatewayRequest {
  const url = new URL(req.url);
  const empty: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };
  return {
    method: req.method,
    url: url.pathname + url.search,
    header: (name) => req.headers.get(name) ?? undefined,
    headerNames: () => [...req.headers.keys()],
    body: (req.body as unknown as AsyncIterable<Uint8Array>) ?? empty,
    signal: req.signal,
  };
}
