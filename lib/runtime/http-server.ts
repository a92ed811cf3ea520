import http from "node:http";
import type { Socket } from "node:net";
import next from "next";

export type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  dir: string;
  port: number;
  host: string;
  dev: boolean;
  /** Serves `/mcp/*` before Next sees the request (the gateway's fast path). */
  mcpHandler?: NodeHandler;
  /** WebSocket upgrades Toolgate serves itself (connectors on /connect); true when it took the request. */
  upgradeHandler?: (req: http.IncomingMessage, socket: Socket, head: Buffer) => boolean;
}

export interface RunningHttpServer {
  server: http.Server;
  close(): Promise<void>;
}

/** True for `/mcp` and `/mcp/...`, not for `/mcpfoo`. */
export function isMcpPath(url: string | undefined): boolean {
  if (!url || !url.startsWith("/mcp")) return false;
  const c = url.charCodeAt(4);
  return Number.isNaN(c) || c === 47 /* / */ || c === 63 /* ? */;
}

/**
 * One Node HTTP server for the whole product: `/mcp/*` goes straight to the gateway core,
 * everything else to Next's request handler. Measured in docs/architecture.md: Next's route
 * pipeline alone would cap the gateway near 1,200 calls/s on 2 cores.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const app = next({ dev: opts.dev, dir: opts.dir, hostname: "localhost", port: opts.port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const handleUpgrade = app.getUpgradeHandler();
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    if (opts.mcpHandler && isMcpPath(req.url)) {
      Promise.resolve(opts.mcpHandler(req, res)).catch((err) => failRequest(res, err));
      return;
    }
    handleNext(req, res).catch((err) => failRequest(res, err));
  });
  server.keepAliveTimeout = 65_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // Next's dev server needs upgrades for hot reload.
  server.on("upgrade", (req, socket, head) => {
    if (opts.upgradeHandler?.(req, socket as Socket, head)) return;
    void handleUpgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });

  return {
    server,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => sockets.forEach((s) => s.destroy()), 2000).unref();
      });
      await app.close?.();
    },
  };
}

function failRequest(res: http.ServerResponse, err: unknown) {
  console.error("toolgate: request failed:", err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code: "internal", message: "internal server error" } }));
}
