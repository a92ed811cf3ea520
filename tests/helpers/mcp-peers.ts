/**
 * Starts real third-party MCP servers for tests, on free loopback ports, as child processes:
 *
 *   const peer = await startEverything("streamableHttp");  // peer.url = http://127.0.0.1:<port>/mcp
 *   const legacy = await startEverything("sse");           // legacy.url = http://127.0.0.1:<port>/sse
 *   ...
 *   await peer.close();                                     // kills the whole process group
 *
 * @modelcontextprotocol/server-everything listens on every interface by default; a preload
 * (tests/fixtures/loopback-only.cjs) pins it to 127.0.0.1. Each peer runs in its own process group,
 * so close() (and, as a safety net, the exit of the test process) kills it and anything it spawned.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { connect } from "node:net";
import path from "node:path";
import { freePort } from "./redis-server";

export type EverythingMode = "streamableHttp" | "sse";

export interface McpPeer {
  /** Endpoint a client connects to: `/mcp` (streamable HTTP) or `/sse` (legacy HTTP+SSE). */
  url: string;
  port: number;
  pid: number;
  /** What the peer printed so far (for failure messages). */
  output(): string;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
const ROOT = path.resolve(import.meta.dirname, "../..");
const LOOPBACK_PRELOAD = path.join(ROOT, "tests/fixtures/loopback-only.cjs");
const ENDPOINT: Record<EverythingMode, string> = { streamableHttp: "/mcp", sse: "/sse" };

/** Path of server-everything's entry point, resolved through node_modules like any dependency. */
export function everythingEntry(): string {
  const require = createRequire(path.join(ROOT, "package.json"));
  const pkg = require.resolve("@modelcontextprotocol/server-everything/package.json");
  return path.join(path.dirname(pkg), "dist/index.js");
}

/** Starts server-everything in the given mode and resolves once its port accepts connections. */
export async function startEverything(mode: EverythingMode): Promise<McpPeer> {
  // The free port may be taken before the child binds it; a few attempts make that harmless.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await startProcess({
        args: ["--require", LOOPBACK_PRELOAD, everythingEntry(), mode],
        // server-everything has a `get-env` tool that returns its environment: give it nothing of ours.
        env: { NODE_ENV: "production", PATH: process.env.PATH ?? "/usr/bin:/bin", PORT: String(port) },
        port,
        url: `http://127.0.0.1:${port}${ENDPOINT[mode]}`,
      });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

interface ProcessSpec {
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  url: string;
}

async function startProcess(spec: ProcessSpec): Promise<McpPeer> {
  const child = spawn(process.execPath, spec.args, {
    cwd: ROOT,
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group: close() signals the group, so no grandchild survives.
    detached: true,
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    // Keep the tail only: the peer logs every request.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);
  const close = async () => {
    process.off("exit", killOnExit);
    await stopGroup(child);
  };
  try {
    await waitForPort(child, spec.port, () => output);
  } catch (error) {
    await close();
    throw error;
  }
  return { url: spec.url, port: spec.port, pid: child.pid as number, output: () => output, close };
}

function waitForPort(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new Error(`MCP peer exited (${child.exitCode ?? child.signalCode}) before listening:\n${output()}`));
      }
      if (Date.now() > deadline) return reject(new Error(`MCP peer not listening on ${port} after ${READY_TIMEOUT_MS} ms:\n${output()}`));
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to the group, SIGKILL if it is still there after a grace period. */
function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, "SIGKILL"); // the leader is gone; make sure nothing it spawned lingers
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
      resolve();
    });
    killGroup(child, "SIGTERM");
  });
}

export interface InspectorOptions {
  /** "http" (streamable HTTP) or "sse" (legacy HTTP+SSE). */
  transport: "http" | "sse";
  /** Sent on every request, e.g. { Authorization: "Bearer …" } (`--header "Name: value"`). */
  headers?: Record<string, string>;
  /** MCP method: tools/list, tools/call, resources/list, resources/read, prompts/list, prompts/get, … */
  method: string;
  /** More CLI arguments, e.g. ["--tool-name", "echo", "--tool-arg", "message=hi"]. */
  args?: string[];
  timeoutMs?: number;
}

export interface InspectorResult {
  exitCode: number | null;
  /** The JSON result the CLI printed, if stdout parsed as JSON. */
  json?: unknown;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * The MCP Inspector's CLI as a third-party client: @modelcontextprotocol/inspector-cli 1.0.3, the
 * CLI that `npx @modelcontextprotocol/inspector@1 --cli` runs. It has `--header` and runs on Node 20
 * (Inspector 2.x needs Node 22; 0.15, the last full Inspector for Node 20, has no `--header`).
 */
export function inspectorCliPath(): string {
  const require = createRequire(path.join(ROOT, "package.json"));
  return path.join(path.dirname(require.resolve("@modelcontextprotocol/inspector-cli/package.json")), "build/cli.js");
}

export function runInspectorCli(url: string, options: InspectorOptions): Promise<InspectorResult> {
  const cli = inspectorCliPath();
  const args = [cli, "--cli", url, "--transport", options.transport, "--method", options.method, ...(options.args ?? [])];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("--header", `${name}: ${value}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      // 1.0.3 checks `existsSync("../package.json")` against the working directory but imports it
      // relative to its own file; running from its build/ directory makes both name its package.json.
      cwd: path.dirname(cli),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const kill = () => killGroup(child, "SIGKILL");
    process.once("exit", kill);
    const timer = setTimeout(kill, options.timeoutMs ?? 30_000);
    child.once("error", reject);
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      process.off("exit", kill);
      kill(); // the launcher starts a second node process; make sure it is gone too
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ exitCode, json, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}
