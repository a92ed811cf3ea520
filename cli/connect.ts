import { hostname } from "node:os";
import WebSocket from "ws";
import { LocalProcessOpener } from "../gateway/stdio/local-process";
import {
  CLOSE_KEY_REFUSED,
  CLOSE_PROTOCOL,
  CLOSE_REPLACED,
  CONNECT_PATH,
  LOG_TEXT_MAX,
  MESSAGE_MAX,
  parseHubFrame,
  PROTOCOL_VERSION,
  type ConnectorFrame,
  type HubFrame,
} from "../gateway/stdio/connector-protocol";
import type { ChannelOpener, LaunchSpec, MessageChannel } from "../gateway/stdio/types";
import { positiveInt, required, wantsHelp } from "./args";
import { UsageError, type CliIo } from "./io";
import { parseArgs } from "node:util";

const HELP = `usage: toolgate connect --url <toolgate URL> --key <tgc_… key> [--max-backoff <s>] -- <command> [args…]

Runs a stdio MCP server on this machine and connects it to Toolgate, which then serves it to
agents under the server's policies. The connection is outbound (a WebSocket to <url>${CONNECT_PATH}):
nothing listens on this machine. One process of <command> runs per agent session (or one in
all, for a server set to "shared"), with this shell's environment. Reconnects by itself with
backoff; stops when the key is refused (revoked, or another server's).

  --url          Toolgate's address, e.g. https://toolgate.example.com or https://host/toolgate (TOOLGATE_URL)
  --key          the server's connector key, shown when it was created (TOOLGATE_CONNECTOR_KEY)
  --max-backoff  longest wait between reconnection attempts, in seconds (default 30)

example: toolgate connect --url http://localhost:3000 --key tgc_… -- npx -y @modelcontextprotocol/server-filesystem /data`;

/** Hub heartbeat (15 s) twice, plus slack: silence that long means the connection is dead (half-open TCP). */
const WATCHDOG_MS = 35_000;
/** Connected this long (after `welcome`), the backoff starts again from 0.5 s. */
const STABLE_MS = 10_000;
/** How long stopping waits for the processes to exit (their group is killed after 2 s). */
const EXIT_WAIT_MS = 3_000;
/** Variables of this shell the server's process must not see: the key is a credential of Toolgate's. */
const PRIVATE_ENV = new Set(["TOOLGATE_CONNECTOR_KEY", "TOOLGATE_URL", "TOOLGATE_CONNECT_WATCHDOG_MS"]);

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
  const url = connectUrl(base);
  if (url.protocol === "ws:" && !isLoopback(url.hostname)) {
    io.err(`toolgate connect: WARNING: ${base} is plain http: the connector key and every message of the server travel unencrypted; use https://`);
  }
  const maxBackoffMs = positiveInt(parsed.values["max-backoff"], "max-backoff", 30, { max: 3600 }) * 1000;
  // Hidden, for tests: how long a silent connection is trusted.
  const watchdogMs = positiveInt(env.TOOLGATE_CONNECT_WATCHDOG_MS, "TOOLGATE_CONNECT_WATCHDOG_MS", WATCHDOG_MS);
  const connector = new Connector({ url, key, command, args, io, maxBackoffMs, watchdogMs, env });
  const stop = (io.onInterrupt ?? defaultInterrupt)(() => connector.stop());
  // Last resort (an uncaught error): the processes' groups must not outlive the connector.
  const killAll = () => connector.killAll();
  process.on("exit", killAll);
  try {
    return await connector.run();
  } finally {
    stop();
    process.off("exit", killAll);
  }
}

/** The connector's WebSocket URL: `<url>/connect`, keeping a path prefix (https://host/toolgate → wss://host/toolgate/connect). */
export function connectUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`\`--url\` is not a URL: ${base}`);
  }
  const secure = url.protocol === "https:" || url.protocol === "wss:";
  if (!secure && url.protocol !== "http:" && url.protocol !== "ws:") throw new UsageError(`\`--url\` must be an http:// or https:// address: ${base}`);
  url.protocol = secure ? "wss:" : "ws:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${CONNECT_PATH}`;
  url.search = "";
  url.hash = "";
  return url;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";
}

function defaultInterrupt(onStop: () => void) {
  // SIGHUP: the terminal closed; the processes must not be left behind.
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.once(s, onStop);
  return () => {
    for (const s of signals) process.off(s, onStop);
  };
}

export interface ConnectorOptions {
  url: URL;
  key: string;
  command: string;
  args: string[];
  io: CliIo;
  maxBackoffMs: number;
  watchdogMs?: number;
  stableMs?: number;
  /** The environment of the server's processes (this shell's, less Toolgate's own variables). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Starts the server's processes (tests inject one). */
  opener?: ChannelOpener;
}

/** One connector: keeps a connection to Toolgate up and runs a process per channel it opens. */
export class Connector {
  private ws: WebSocket | null = null;
  private readonly channels = new Map<string, MessageChannel>();
  /** Every process started and not yet exited, with the promise of its exit. */
  private readonly live = new Map<MessageChannel, Promise<void>>();
  private stopped = false;
  private finish: (code: number) => void = () => {};
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private readonly opener: ChannelOpener;

  constructor(private readonly o: ConnectorOptions) {
    this.opener = o.opener ?? new LocalProcessOpener(() => ({ mode: "on", allowlist: [] }));
  }

  run(): Promise<number> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.connect();
    });
  }

  /** Ctrl-C: stops at once (a pending reconnection included), the processes with it. */
  stop() {
    if (this.stopped) return;
    this.o.io.err("toolgate connect: stopped");
    void this.end(0);
  }

  /** SIGKILLs the process group of every process still running (when this process exits). */
  killAll() {
    for (const c of this.live.keys()) {
      if (c.pid === null) continue;
      try {
        process.kill(-c.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }

  private async end(code: number) {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    this.closeChannels();
    await Promise.all([this.closeSocket(), this.processesExited()]);
    this.finish(code);
  }

  /** A close frame, and the socket dropped if Toolgate does not answer it within a second (a dead network must not hold the exit). */
  private closeSocket(): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1_000);
      ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(1000, "the connector was stopped");
    });
  }

  /** Each process's group gets TERM, then KILL after 2 s (LocalChannel.close): waits for them, up to 3 s. */
  private async processesExited() {
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (this.live.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.live.values()), new Promise((r) => (timer = setTimeout(r, deadline - Date.now())))]);
      clearTimeout(timer);
    }
  }

  private clearTimers() {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.watchdog);
    clearTimeout(this.stableTimer);
  }

  private connect() {
    if (this.stopped) return;
    const { io, url, key } = this.o;
    io.err(`toolgate connect: connecting to ${url.origin}…`);
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${key}` }, handshakeTimeout: 15_000, maxPayload: 32 * 1024 * 1024 });
    this.ws = ws;
    // Only Toolgate pings: a connection silent for two heartbeats is dead even when TCP has not
    // noticed (a laptop asleep, a NAT that forgot the flow); terminating it starts a reconnection.
    const watchdogMs = this.o.watchdogMs ?? WATCHDOG_MS;
    const arm = () => {
      clearTimeout(this.watchdog);
      this.watchdog = setTimeout(() => {
        if (this.ws !== ws || this.stopped) return;
        io.err(`toolgate connect: no heartbeat from Toolgate in ${(watchdogMs / 1000).toFixed(1)} s: the connection is dead`);
        ws.terminate();
      }, watchdogMs);
    };
    ws.on("open", () => {
      arm();
      this.send(ws, { t: "hello", version: PROTOCOL_VERSION, command: this.o.command.slice(0, 4096), args: this.o.args.slice(0, 256).map((a) => a.slice(0, 4096)), hostname: hostname().slice(0, 255) });
    });
    ws.on("ping", arm);
    ws.on("message", (data) => {
      if (this.ws !== ws || this.stopped) return;
      const frame = parseHubFrame(data);
      if (frame) this.onFrame(ws, frame);
    });
    ws.on("unexpected-response", (_req, res) => {
      if (res.statusCode === 401) {
        io.err("toolgate connect: Toolgate refused the connector key (unknown, revoked, or not a connector server's): stopping");
        void this.end(1);
      } else {
        io.err(`toolgate connect: Toolgate answered HTTP ${res.statusCode} (is ${url.origin}${url.pathname.slice(0, -CONNECT_PATH.length)} a Toolgate?)`);
      }
      res.resume();
      ws.terminate();
    });
    ws.on("error", (err) => io.err(`toolgate connect: ${describe(err)}`));
    ws.on("close", (code, reason) => {
      clearTimeout(this.watchdog);
      clearTimeout(this.stableTimer);
      this.closeChannels();
      if (this.stopped) return;
      const why = reason.toString();
      if (code === CLOSE_KEY_REFUSED) {
        io.err(`toolgate connect: ${why || "the connector key was refused"}: stopping`);
        return void this.end(1);
      }
      if (code === CLOSE_REPLACED) {
        // Two connectors for one server would take the connection from each other forever: the newest wins.
        io.err("toolgate connect: another connector connected for this server and took over: stopping this one");
        return void this.end(1);
      }
      if (code === CLOSE_PROTOCOL) {
        // Retrying would get the same answer, every 0.5 s.
        io.err(`toolgate connect: Toolgate refused this connector: ${why || "protocol error"} (is this toolgate's version compatible with the server's?): stopping`);
        return void this.end(1);
      }
      const delay = this.backoff();
      io.err(`toolgate connect: disconnected${why ? ` (${why})` : ""}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  /** 0.5 s, 1 s, 2 s, … up to the cap, with ±20 % jitter so that many connectors do not reconnect in step. */
  private backoff(): number {
    const base = Math.min(this.o.maxBackoffMs, 500 * 2 ** Math.min(this.attempt++, 20));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private send(ws: WebSocket, frame: ConnectorFrame) {
    if (this.ws === ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  private onFrame(ws: WebSocket, f: HubFrame) {
    switch (f.t) {
      case "welcome":
        this.o.io.err(`toolgate connect: connected as server "${f.serverName}" (${f.serverId}); running \`${[this.o.command, ...this.o.args].join(" ")}\` per session`);
        // The backoff starts over only once a connection proved stable: a hub that accepts and
        // drops at once must not be redialed every 0.5 s.
        clearTimeout(this.stableTimer);
        this.stableTimer = setTimeout(() => (this.attempt = 0), this.o.stableMs ?? STABLE_MS);
        return;
      case "open":
        return void this.open(ws, f.ch);
      case "msg":
        return this.channels.get(f.ch)?.send(f.data);
      case "close":
        this.channels.get(f.ch)?.close();
        return;
    }
  }

  private async open(ws: WebSocket, ch: string) {
    if (this.channels.has(ch)) return;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.o.env ?? process.env)) if (value !== undefined && !PRIVATE_ENV.has(name)) env[name] = value;
    const spec: LaunchSpec = {
      serverId: "",
      orgId: "",
      kind: "command",
      command: this.o.command,
      args: this.o.args,
      cwd: null,
      // The user's own machine and shell: the process gets this shell's environment.
      env,
      mode: "session",
      idleTimeoutMs: 0,
      maxProcesses: 0,
    };
    let channel: MessageChannel;
    try {
      channel = await this.opener.open(spec, (stream, text, pid) => {
        if (stream === "stderr") this.o.io.err(`[${pid ?? "?"}] ${text}`);
        this.send(ws, { t: "log", ch, stream, text: text.slice(0, LOG_TEXT_MAX), pid });
      });
    } catch (err) {
      const message = (err as Error).message;
      this.o.io.err(`toolgate connect: ${message}`);
      this.send(ws, { t: "failed", ch, message: message.slice(0, MESSAGE_MAX) });
      return;
    }
    this.live.set(channel, new Promise<void>((resolve) => channel.onExit(() => resolve())));
    channel.onExit(() => this.live.delete(channel));
    // The connection that asked may have dropped (or the connector stopped) while the process
    // started: nobody would ever use or close it.
    if (this.stopped || this.ws !== ws || ws.readyState !== WebSocket.OPEN) {
      channel.close();
      return;
    }
    this.channels.set(ch, channel);
    channel.onMessage((data) => this.send(ws, { t: "msg", ch, data }));
    channel.onExit((exit) => {
      if (this.channels.get(ch) === channel) this.channels.delete(ch);
      this.send(ws, { t: "exit", ch, code: exit.code, signal: exit.signal?.slice(0, 32) ?? null, message: exit.message.slice(0, MESSAGE_MAX) });
    });
    this.send(ws, { t: "opened", ch, pid: channel.pid });
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
