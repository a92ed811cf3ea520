import type http from "node:http";

// Shared by the benchmark's child servers (upstream, bare proxy): listen on a free loopback port,
// tell the parent with a `READY <port>` line, and close cleanly on SIGTERM/SIGINT.
export function serveUntilSignal(server: http.Server) {
  // Keep client connections open between runs: a reconnect in the middle of a run is noise.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    process.stdout.write(`READY ${port}\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // The parent closing our IPC/stdin means it is gone: do not outlive it.
  process.on("disconnect", stop);
}
