/**
 * Starts a throwaway redis-server for tests: loopback only, a free port, no persistence, its own
 * temp directory, stopped (and the directory removed) by `stop()` or when the test process exits.
 *
 * The binary comes from `REDIS_SERVER_BIN`, else `redis-server` on PATH. When it is missing and
 * the tests run as root on Debian/Ubuntu, Debian's package is installed with apt-get; otherwise
 * the helper fails with a message saying what to install.
 */

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  /** Process id, e.g. to freeze the server with SIGSTOP in a timeout test. */
  pid: number;
  /** Stops the server; the port can be reused by `startRedisServer({ port })`. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;

function hasBinary(bin: string): boolean {
  return spawnSync(bin, ["--version"], { stdio: "ignore" }).status === 0;
}

function aptInstall(): boolean {
  const install = () => spawnSync("apt-get", ["install", "-y", "-qq", "redis-server"], { stdio: "inherit" });
  if (install().status === 0) return true;
  // A fresh container has no package lists yet.
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  return install().status === 0;
}

/** Path of a usable redis-server binary, installing Debian's package when allowed. */
export function ensureRedisServerBinary(): string {
  const bin = process.env.REDIS_SERVER_BIN ?? "redis-server";
  if (hasBinary(bin)) return bin;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && hasBinary("apt-get") && aptInstall() && hasBinary(bin)) return bin;
  throw new Error(
    "redis-server not found: install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, " +
      "macOS: `brew install redis`) or set REDIS_SERVER_BIN to its path",
  );
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`redis-server not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) done();
    };
    const onExit = (code: number | null) => fail(new Error(`redis-server exited (${code}):\n${output}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      // Keep draining the log so a full pipe never blocks the server.
      child.stdout?.resume();
      child.stderr?.resume();
      child.off("exit", onExit);
    }
    function done() {
      cleanup();
      resolve();
    }
    function fail(error: Error) {
      cleanup();
      reject(error);
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Starts redis-server on `port` (default: a free one) and resolves once it accepts connections. */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const bin = ensureRedisServerBinary();
  if (options.port !== undefined) return startOn(bin, options.port);
  // Another process may take the free port before redis binds it; try a few.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(bin, await freePort());
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function startOn(bin: string, port: number): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "toolgate-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid as number, stop };
}
