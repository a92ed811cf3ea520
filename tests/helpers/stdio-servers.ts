import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";

// Real stdio MCP servers from node_modules, as command upstreams (`node <entry> …`), and an SDK
// client through the gateway for the tests of command and connector servers.
const ROOT = path.resolve(import.meta.dirname, "../..");
const req = createRequire(path.join(ROOT, "package.json"));

function entry(pkg: string): string {
  return path.join(path.dirname(req.resolve(`${pkg}/package.json`)), "dist/index.js");
}

/** server-everything over stdio. */
export const everythingStdio = () => ({ command: process.execPath, args: [entry("@modelcontextprotocol/server-everything"), "stdio"] });

/** server-filesystem over stdio, allowed to touch `dir` only. */
export const filesystemStdio = (dir: string) => ({ command: process.execPath, args: [entry("@modelcontextprotocol/server-filesystem"), dir] });

/** Our conformance fixture over stdio (the same server the HTTP conformance run uses). */
export const conformanceStdio = () => ({ command: process.execPath, args: ["--import", "tsx", path.join(ROOT, "tests/fixtures/conformance-stdio.ts")], cwd: ROOT });

export async function agent(url: string, token: string, capabilities: ClientCapabilities = {}): Promise<Client> {
  const client = new Client({ name: "stdio-test-agent", version: "1.0.0" }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** The text of a tool result's content. */
export function text(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? "").join("\n");
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** `toolgate connect` as a user runs it, for a connector server's key: the child, what it printed, its exit code. */
export function spawnConnector(url: string, key: string, run = everythingStdio(), flags: string[] = []): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/toolgate.mjs"), "connect", "--url", url, "--key", key, ...flags, "--", run.command, ...run.args], {
    cwd: ROOT,
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}
