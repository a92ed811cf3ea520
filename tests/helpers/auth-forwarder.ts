/**
 * A tiny HTTP forwarder for tests: adds `Authorization: Bearer <token>` to every request and streams
 * requests and responses through otherwise unchanged (status, headers including Mcp-Session-Id and
 * Last-Event-ID, SSE bodies chunk by chunk, client disconnects). Clients that cannot send a header,
 * such as the conformance suite, reach the gateway through it:
 *
 *   conformance → forwarder (+ Bearer grant token) → gateway /mcp/<serverId> → upstream
 *
 *   const fwd = await startAuthForwarder({ target: `${gatewayUrl}/mcp/${serverId}`, token });
 *   await runConformance(fwd.url);   // fwd.url: same path as target, on the forwarder's port
 *   await fwd.close();
 *
 * With `token: null` it adds nothing and only records what it saw: a probe that shows which headers
 * a client (e.g. the Inspector CLI) really sent.
 */

import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ForwardedRequest {
  method: string;
  /** Path and query, as received (and forwarded). */
  path: string;
  /** Headers as the client sent them. */
  received: IncomingHttpHeaders;
  /** Headers as forwarded upstream. */
  sent: Record<string, string | string[]>;
  /** Upstream status, once known. */
  status?: number;
}

export interface AuthForwarder {
  /** The target URL with the forwarder's origin: same path, so relative URLs keep working. */
  url: string;
  port: number;
  /** The last requests seen (at most 500), oldest first. */
  requests: ForwardedRequest[];
  close(): Promise<void>;
}

export interface AuthForwarderOptions {
  /** URL of the server to forward to; only its origin is used for routing, paths pass as they come. */
  target: string;
  /** Bearer token to add (replacing any Authorization the client sent); null adds nothing. */
  token: string | null;
  /** More headers to set on every forwarded request. */
  extraHeaders?: Record<string, string>;
  /**
   * Keep the client's Host header (default), so a Host/Origin check behind the forwarder (DNS-rebinding
   * protection) judges what the client sent; `false` sends the target's host instead.
   */
  preserveHost?: boolean;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection; Node frames each side itself.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);
const MAX_LOG = 500;

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

export async function startAuthForwarder(options: AuthForwarderOptions): Promise<AuthForwarder> {
  const target = new URL(options.target);
  if (target.protocol !== "http:") throw new Error(`auth forwarder: only http targets are supported, got ${target.protocol}`);
  // A fresh upstream connection per request: reusing idle sockets can race the upstream's own idle
  // timeout (ECONNRESET on the first write) and show up as flaky 502s; on loopback it costs little.
  const agent = new Agent({ keepAlive: false });
  const requests: ForwardedRequest[] = [];

  function forward(req: IncomingMessage, res: ServerResponse): void {
    const headers = endToEnd(req.headers);
    if (options.preserveHost === false) headers.host = target.host;
    if (options.token !== null) headers.authorization = `Bearer ${options.token}`;
    Object.assign(headers, options.extraHeaders ?? {});
    const record: ForwardedRequest = { method: req.method ?? "GET", path: req.url ?? "/", received: req.headers, sent: headers };
    requests.push(record);
    if (requests.length > MAX_LOG) requests.shift();

    const upstream = httpRequest(
      { host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers, agent },
      (upstreamRes) => {
        record.status = upstreamRes.statusCode;
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, endToEnd(upstreamRes.headers));
        // SSE: send the headers now and every event as soon as it arrives.
        res.flushHeaders();
        res.socket?.setNoDelay(true);
        upstreamRes.pipe(res);
        upstreamRes.once("error", () => res.destroy());
      },
    );
    upstream.once("error", (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`auth forwarder: upstream error: ${error.message}`);
      } else {
        res.destroy();
      }
    });
    // A client that goes away (e.g. closes an SSE stream) must be seen upstream as a disconnect.
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  const server = createServer(forward);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = new URL(target.href);
  url.hostname = "127.0.0.1";
  url.port = String(port);

  return {
    url: url.href,
    port,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
