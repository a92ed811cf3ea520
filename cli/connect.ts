import { hostname } from "node:os";
import WebSocket from "ws";
import { LocalProcessOpener } from "../gateway/stdio/local-process";
import { CLOSE_KEY_REFUSED, CLOSE_REPLACED, CONNECT_PATH, parseFrame, PROTOCOL_VERSION, type ConnectorFrame, type HubFrame } from "../gateway/stdio/connector-protocol";
import type { LaunchSpec, MessageChannel } from "../gateway/stdio/types";
import { positiveInt, required, wantsHelp } from "./args";
import { UsageError, type CliIo } from "./io";
import { parseArgs } from "node:util";

const HELP = `usage: toolgate connect --url <toolgate URL> --key <tgc_… key> [--max-backoff <s>] -- <command> [args…]

Runs a stdio MCP server on this machine and connects it to Toolgate, which then serves it to
agents under the server's policies. The connection is outbound (a WebSocket to <url>${CONNECT_PATH}):
nothing listens on this machine. One process of <command> runs per agent session (or one in
all, for a server set to "shared"), with this shell's environment. Reconnects by itself with
backoff; stops when the key is refused (revoked, or another server's).

  --url          Toolgate's address, e.g. https://toolgate.example.com (TOOLGATE_URL)
  --key          the server's connector key, shown when it was created (TOOLGATE_CONNECTOR_KEY)
  --max-backoff  longest wait between reconnection attempts, in seconds (default 30)

example: toolgate connect --url http://localhost:3000 --key tgc_… -- npx -y @modelcontextprotocol/server-filesystem /data`;

export async function connectCommand(argv: string[], io: CliIo): Promise<number> {
  const dash = argv.indexOf("--");
  // Flags before `--` are ours; everything after it belongs to the server's command.
  if (wantsHelp(dash === -1 ? argv : argv.slice(0, dash))) {
    io.out(HELP);
    return 0;
  }
  if (dash === -1 || dash === argv.length - 1) throw new UsageError(`give the server's command after \`--\`\n\n${HELP}`);
  const [command, ...args] = argv.slice(dash + 1);
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(0, dash), options: { url: { type: "string" }, key: { type: "string" }, "max-backoff": { type: "string" } }, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP}`);
  }
  const env = io.env ?? process.env;
  const base = required(parsed.values.url ?? env.TOOLGATE_URL, "url", HELP);
  const key = required(parsed.values.key ?? env.TOOLGATE_CONNECTOR_KEY, "key", HELP);
  if (!key.startsWith("tgc_")) throw new UsageError("`--key` must be a connector key (tgc_…), shown when the connector server was created");
  let url: URL;
  try {
    url = new URL(CONNECT_PATH, base.endsWith("/") ? base : `${base}/`);
  } catch {
    throw new UsageError(`\`--url\` is not a URL: ${base}`);
  }
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const maxBackoffMs = positiveInt(parsed.values["max-backoff"], "max-backoff", 30, { max: 3600 }) * 1000;
  const connector = new Connector(url, key, command, args, io, maxBackoffMs);
  const stop = (io.onInterrupt ?? defaultInterrupt)(() => connector.stop());
  try {
    return await connector.run();
  } finally {
    stop();
  }
}

function defaultInterrupt(onStop: () => void) {
  process.once("SIGINT", onStop);
  process.once("SIGTERM", onStop);
  return () => {
    process.off("SIGINT", onStop);
    process.off("SIGTERM", onStop);
  };
}

/** One connector: keeps a connection to Toolgate up and runs a process per channel it opens. */
class Connector {
  private ws: WebSocket | null = null;
  private readonly channels = new Map<string, MessageChannel>();
  private stopped = false;
  private finish: (code: number) => void = () => {};
  private attempt = 0;
  private readonly opener = new LocalProcessOpener(() => ({ mode: "on", allowlist: [] }));

  constructor(
    private readonly url: URL,
    private readonly key: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly io: CliIo,
    private readonly maxBackoffMs: number,
  ) {}

  run(): Promise<number> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.connect();
    });
  }

  stop() {
    this.stopped = true;
    this.closeChannels();
    this.ws?.close(1000, "the connector was stopped");
    this.io.err("toolgate connect: stopped");
    this.finish(0);
  }

  private connect() {
    if (this.stopped) return;
    this.io.err(`toolgate connect: connecting to ${this.url.origin}…`);
    const ws = new WebSocket(this.url, { headers: { authorization: `Bearer ${this.key}` }, handshakeTimeout: 15_000, maxPayload: 32 * 1024 * 1024 });
    this.ws = ws;
    ws.on("open", () => {
      this.attempt = 0;
      this.send({ t: "hello", version: PROTOCOL_VERSION, command: this.command, args: this.args, hostname: hostname() });
    });
    ws.on("message", (data) => this.onFrame(parseFrame<HubFrame>(data)));
    ws.on("unexpected-response", (_req, res) => {
      if (res.statusCode === 401) {
        this.io.err("toolgate connect: Toolgate refused the connector key (unknown, revoked, or not a connector server's): stopping");
        this.stopped = true;
        this.finish(1);
      } else {
        this.io.err(`toolgate connect: Toolgate answered HTTP ${res.statusCode} (is ${this.url.origin} a Toolgate?)`);
      }
      res.resume();
      ws.terminate();
    });
    ws.on("error", (err) => this.io.err(`toolgate connect: ${describe(err)}`));
    ws.on("close", (code, reason) => {
      this.closeChannels();
      if (this.stopped) return;
      if (code === CLOSE_KEY_REFUSED) {
        this.io.err(`toolgate connect: ${reason.toString() || "the connector key was refused"}: stopping`);
        this.stopped = true;
        return this.finish(1);
      }
      if (code === CLOSE_REPLACED) {
        // Two connectors for one server would take the connection from each other forever: the newest wins.
        this.io.err("toolgate connect: another connector connected for this server and took over: stopping this one");
        this.stopped = true;
        return this.finish(1);
      }
      const delay = this.backoff();
      this.io.err(`toolgate connect: disconnected${reason.length ? ` (${reason.toString()})` : ""}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      setTimeout(() => this.connect(), delay);
    });
  }

  /** 0.5 s, 1 s, 2 s, … up to the cap, with ±20 % jitter so that many connectors do not reconnect in step. */
  private backoff(): number {
    const base = Math.min(this.maxBackoffMs, 500 * 2 ** this.attempt++);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private send(frame: ConnectorFrame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private onFrame(f: HubFrame | null) {
    if (!f) return;
    switch (f.t) {
      case "welcome":
        this.io.err(`toolgate connect: connected as server "${f.serverName}" (${f.serverId}); running \`${[this.command, ...this.args].join(" ")}\` per session`);
        return;
      case "open":
        return void this.open(f.ch);
      case "msg":
        return this.channels.get(f.ch)?.send(f.data);
      case "close":
        this.channels.get(f.ch)?.close();
        return;
    }
  }

  private async open(ch: string) {
    const spec: LaunchSpec = {
      serverId: "",
      orgId: "",
      kind: "command",
      command: this.command,
      args: this.args,
      cwd: null,
      // The user's own machine and shell: the process gets this shell's environment.
      env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
      mode: "session",
      idleTimeoutMs: 0,
      maxProcesses: 0,
    };
    try {
      const channel = await this.opener.open(spec, (stream, text, pid) => {
        if (stream === "stderr") this.io.err(`[${pid ?? "?"}] ${text}`);
        this.send({ t: "log", ch, stream, text, pid });
      });
      this.channels.set(ch, channel);
      channel.onMessage((data) => this.send({ t: "msg", ch, data }));
      channel.onExit((exit) => {
        this.channels.delete(ch);
        this.send({ t: "exit", ch, code: exit.code, signal: exit.signal, message: exit.message });
      });
      this.send({ t: "opened", ch, pid: channel.pid });
    } catch (err) {
      this.io.err(`toolgate connect: ${(err as Error).message}`);
      this.send({ t: "failed", ch, message: (err as Error).message });
    }
  }

  private closeChannels() {
    for (const c of this.channels.values()) c.close();
    this.channels.clear();
  }
}

function describe(err: Error & { code?: string }): string {
  if (err.code === "ECONNREFUSED") return "Toolgate refused the connection (is it running at that address?)";
  if (err.code === "ENOTFOUND" || err.code === "EAI_AGAIN") return "Toolgate's host name could not be resolved";
  return err.message;
}
