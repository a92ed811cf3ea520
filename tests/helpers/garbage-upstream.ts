import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

// An "MCP server" that answers every POST with something broken, chosen by the path: what a
// crashed, misconfigured or half-dead upstream sends. Each mode is served at /<mode>.
export const GARBAGE_MODES = {
  /** 200, Content-Type application/json, an HTML page. */
  "json-not-json": (res: http.ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end("<html><body>Bad Gateway</body></html>"),
  /** 200 application/json, cut in the middle of the message. */
  "json-truncated": (res: http.ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end('{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"te'),
  /** 200 application/json, valid JSON-RPC, but the answer to another request. */
  "json-wrong-id": (res: http.ServerResponse) => res.writeHead(200, { "content-type": "application/json" }).end('{"jsonrpc":"2.0","id":"someone-else","result":{"content":[]}}'),
  /** 200 application/json, empty body. */
  "json-empty": (res: http.ServerResponse) => res.writeHead(200, { "content-type": "application/json", "content-length": "0" }).end(),
  /** 200 with a content type that is neither JSON nor SSE. */
  "wrong-type": (res: http.ServerResponse) => res.writeHead(200, { "content-type": "text/html" }).end("<h1>It works!</h1>"),
  /** 200 without any content type. */
  "no-type": (res: http.ServerResponse) => res.writeHead(200).end("hello"),
  /** 500 with an HTML error page (a crashed app behind a web server). */
  "html-500": (res: http.ServerResponse) => res.writeHead(500, { "content-type": "text/html" }).end("<h1>500 Internal Server Error</h1>"),
  /** 502 from a reverse proxy in front of a dead upstream, plain text. */
  "text-502": (res: http.ServerResponse) => res.writeHead(502, { "content-type": "text/plain" }).end("upstream connect error or disconnect/reset before headers"),
  /** An SSE stream cut in the middle of the response event. */
  "sse-truncated": (res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end('event: message\nid: ev-1\ndata: {"jsonrpc":"2.0","id":7,"result":{"content":[{"ty');
  },
  /** An SSE stream that sends a notification, then ends without the response. */
  "sse-no-answer": (res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"working"}}\n\n');
  },
  /** An SSE stream whose data is not JSON. */
  "sse-not-json": (res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end("event: message\ndata: <html>oops</html>\n\n");
  },
  /** Opens an SSE stream and never writes (the gateway's deadline must end it). */
  "sse-silent": (res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.flushHeaders();
  },
  /** Sends JSON headers and half a body, then nothing. */
  "json-stalled": (res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"jsonrpc":"2.0",');
  },
  /** Drops the connection without answering. */
  reset: (res: http.ServerResponse) => res.socket?.destroy(),
  /** Answers a request as if it were a notification. */
  "accepted-202": (res: http.ServerResponse) => res.writeHead(202).end(),
} as const;

export type GarbageMode = keyof typeof GARBAGE_MODES;

export interface GarbageUpstream {
  url(mode: GarbageMode): string;
  /** POSTs received per mode. */
  hits: Map<string, number>;
  /** POSTs carrying a tools/call per mode (the gateway also lists tools, to check a tool it does not know). */
  calls: Map<string, number>;
  close(): Promise<void>;
}

export async function startGarbageUpstream(): Promise<GarbageUpstream> {
  const hits = new Map<string, number>();
  const calls = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const mode = (req.url ?? "/").slice(1).split("?")[0] as GarbageMode;
    // Read the whole request first, as a real server would, so the gateway's write completes.
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.set(mode, (hits.get(mode) ?? 0) + 1);
      if (body.includes('"tools/call"')) calls.set(mode, (calls.get(mode) ?? 0) + 1);
      const answer = GARBAGE_MODES[mode];
      if (!answer) return void res.writeHead(404).end();
      answer(res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (mode) => `http://127.0.0.1:${port}/${mode}`,
    hits,
    calls,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
