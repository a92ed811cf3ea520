// The yardstick: a bare Node reverse proxy (http-proxy over a keep-alive agent) with no policy,
// no auth and no body parsing. What Toolgate adds per call is compared with what this adds.
// Run as a child with BENCH_TARGET=http://127.0.0.1:<port>: prints `READY <port>`.
import http from "node:http";
import httpProxy from "http-proxy";
import { serveUntilSignal } from "./child-server";

const target = process.env.BENCH_TARGET;
if (!target) throw new Error("BENCH_TARGET is required");

// Same pool settings as Toolgate's upstream agent (gateway/proxy/upstream.ts), so both proxies
// reuse connections the same way.
const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 15_000, maxSockets: 512, maxFreeSockets: 64, scheduling: "lifo" });
const proxy = httpProxy.createProxyServer({ target, agent });
proxy.on("error", (err, _req, res) => {
  if ("writeHead" in res && !res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
  res.end(`proxy error: ${err.message}`);
});

serveUntilSignal(http.createServer((req, res) => proxy.web(req, res)));
