import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { CLOSE_KEY_REFUSED, CLOSE_REPLACED, parseFrame, PROTOCOL_VERSION, type ConnectorFrame, type HubFrame } from "./connector-protocol";
import { LaunchError, type ChannelExit, type ChannelOpener, type LaunchSpec, type LogSink, type MessageChannel } from "./types";

/** What the hub needs from the store: connector keys and heartbeats. */
export interface ConnectorAuthority {
  /** The server a connector key opens, or null when the key is unknown, revoked, or not a connector server's. */
  verify(key: string): Promise<{ keyId: string; serverId: string; orgId: string; serverName: string } | null>;
  /** Whether the key still holds (checked at each heartbeat: a revocation on any replica ends the connection). */
  stillValid(keyId: string): Promise<boolean>;
  /** Records a heartbeat (the dashboard shows the last one). */
  seen(serverId: string, at: Date): Promise<void>;
  /** A connector came online (its command may have changed since: the inventory is synced). */
  connected?(serverId: string): void;
}

export interface ConnectorStatus {
  online: boolean;
  connectedAt: string | null;
  lastHeartbeatAt: string | null;
  command: string | null;
  hostname: string | null;
}

const HEARTBEAT_MS = 15_000;
const OPEN_TIMEOUT_MS = 60_000;

/**
 * Connectors dial in here (a WebSocket upgrade on /connect; nothing listens on the user's
 * machine) and the stdio host opens channels through them, one process each on the connector's
 * side. One live connection per server: a newer one replaces the older. While none is connected,
 * opening a channel fails at once with a clear error (the agent is not left waiting).
 * Connections live on the replica they reached: with several replicas, route /connect and a
 * connector server's /mcp traffic to the same one (see docs/stdio-servers.md).
 */
export class ConnectorHub implements ChannelOpener {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  private readonly connections = new Map<string, Connection>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly authority: ConnectorAuthority,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    this.timer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.timer.unref();
  }

  /** Handles an upgrade request for /connect: the key in `Authorization: Bearer tgc_…`. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const auth = req.headers.authorization;
    const key = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
    const found = key ? await this.authority.verify(key).catch(() => null) : null;
    if (!found) {
      socket.end("HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nthe connector key is unknown or revoked\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const previous = this.connections.get(found.serverId);
      const conn = new Connection(ws, found.serverId, found.keyId);
      this.connections.set(found.serverId, conn);
      previous?.end(CLOSE_REPLACED, "a newer connector connected for this server");
      ws.on("close", () => {
        if (this.connections.get(found.serverId) === conn) this.connections.delete(found.serverId);
        conn.dropChannels("the connector disconnected");
      });
      conn.send({ t: "welcome", serverId: found.serverId, serverName: found.serverName });
      void this.authority.seen(found.serverId, new Date()).catch(() => {});
      this.authority.connected?.(found.serverId);
    });
  }

  open(spec: LaunchSpec, log: LogSink): Promise<MessageChannel> {
    const conn = this.connections.get(spec.serverId);
    if (!conn || !conn.alive) {
      return Promise.reject(new LaunchError("the connector of this server is offline: start `toolgate connect` on the machine that runs the server (the dashboard shows the command)", "offline"));
    }
    return conn.openChannel(log);
  }

  status(serverId: string): ConnectorStatus {
    const c = this.connections.get(serverId);
    if (!c) return { online: false, connectedAt: null, lastHeartbeatAt: null, command: null, hostname: null };
    return { online: c.alive, connectedAt: c.connectedAt.toISOString(), lastHeartbeatAt: c.lastPong.toISOString(), command: c.commandLine, hostname: c.hostname };
  }

  /** Ends the connection using this key now (it was revoked here; other replicas notice at their next heartbeat). */
  disconnectKey(keyId: string) {
    for (const c of this.connections.values()) if (c.keyId === keyId) c.end(CLOSE_KEY_REFUSED, "the connector key was revoked");
  }

  async close() {
    clearInterval(this.timer);
    for (const c of this.connections.values()) c.end(1001, "Toolgate is shutting down");
    this.wss.close();
  }

  private async heartbeat() {
    for (const c of [...this.connections.values()]) {
      if (Date.now() - c.lastPong.getTime() > this.heartbeatMs * 2 + 1_000) {
        c.terminate();
        continue;
      }
      const valid = await this.authority.stillValid(c.keyId).catch(() => true);
      if (!valid) {
        c.end(CLOSE_KEY_REFUSED, "the connector key was revoked");
        continue;
      }
      c.ping();
      void this.authority.seen(c.serverId, c.lastPong).catch(() => {});
    }
  }
}

class Connection {
  readonly connectedAt = new Date();
  lastPong = new Date();
  commandLine: string | null = null;
  hostname: string | null = null;
  private readonly channels = new Map<string, RemoteChannel>();
  private readonly opening = new Map<string, { resolve: (c: RemoteChannel) => void; reject: (e: Error) => void; log: LogSink; timer: NodeJS.Timeout }>();

  constructor(
    private readonly ws: WebSocket,
    readonly serverId: string,
    readonly keyId: string,
  ) {
    ws.on("pong", () => (this.lastPong = new Date()));
    ws.on("message", (data) => this.onFrame(parseFrame<ConnectorFrame>(data)));
  }

  get alive() {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(frame: HubFrame) {
    if (this.alive) this.ws.send(JSON.stringify(frame));
  }

  ping() {
    if (this.alive) this.ws.ping();
  }

  end(code: number, reason: string) {
    this.ws.close(code, reason);
    this.dropChannels(reason.startsWith("the connector") ? reason : `the connector was disconnected: ${reason}`);
  }

  terminate() {
    this.ws.terminate();
    this.dropChannels("the connector stopped answering heartbeats");
  }

  openChannel(log: LogSink): Promise<MessageChannel> {
    const ch = randomBytes(8).toString("hex");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.opening.delete(ch);
        reject(new LaunchError(`the connector did not start the server within ${OPEN_TIMEOUT_MS / 1000} s`, "failed"));
        this.send({ t: "close", ch });
      }, OPEN_TIMEOUT_MS);
      this.opening.set(ch, { resolve, reject, log, timer });
      this.send({ t: "open", ch });
    });
  }

  dropChannels(message: string) {
    for (const [ch, o] of this.opening) {
      clearTimeout(o.timer);
      o.reject(new LaunchError(message, "offline"));
      this.opening.delete(ch);
    }
    for (const c of this.channels.values()) c.exited({ code: null, signal: null, message });
    this.channels.clear();
  }

  private onFrame(f: ConnectorFrame | null) {
    if (!f) return;
    switch (f.t) {
      case "hello":
        if (f.version !== PROTOCOL_VERSION) return this.end(4400, `unsupported connector protocol version ${f.version}`);
        this.commandLine = [f.command, ...(f.args ?? [])].join(" ").slice(0, 500);
        this.hostname = String(f.hostname ?? "").slice(0, 200);
        return;
      case "opened": {
        const o = this.opening.get(f.ch);
        if (!o) return this.send({ t: "close", ch: f.ch });
        this.opening.delete(f.ch);
        clearTimeout(o.timer);
        const channel = new RemoteChannel(f.ch, f.pid ?? null, (frame) => this.send(frame));
        channel.logTo = o.log;
        this.channels.set(f.ch, channel);
        channel.onExit(() => this.channels.delete(f.ch));
        o.log("event", `started on ${this.hostname ?? "the connector"}: ${this.commandLine ?? ""}`, channel.pid);
        o.resolve(channel);
        return;
      }
      case "failed": {
        const o = this.opening.get(f.ch);
        if (!o) return;
        this.opening.delete(f.ch);
        clearTimeout(o.timer);
        o.log("event", f.message, null);
        o.reject(new LaunchError(`the connector could not start the server: ${f.message}`, "failed"));
        return;
      }
      case "msg":
        return this.channels.get(f.ch)?.received(f.data);
      case "log": {
        const c = this.channels.get(f.ch);
        c?.logTo?.(f.stream === "stdout" || f.stream === "event" ? f.stream : "stderr", String(f.text), c.pid);
        return;
      }
      case "exit":
        this.channels.get(f.ch)?.exited({ code: f.code ?? null, signal: f.signal ?? null, message: String(f.message ?? "the server process exited") });
        this.channels.delete(f.ch);
        return;
    }
  }
}

/** A process on the connector's machine, seen from Toolgate. */
class RemoteChannel implements MessageChannel {
  logTo?: LogSink;
  private readonly messageListeners: ((m: string) => void)[] = [];
  private readonly exitListeners: ((e: ChannelExit) => void)[] = [];
  private done: ChannelExit | null = null;

  constructor(
    private readonly ch: string,
    readonly pid: number | null,
    private readonly sendFrame: (f: HubFrame) => void,
  ) {}

  send(message: string) {
    if (!this.done) this.sendFrame({ t: "msg", ch: this.ch, data: message });
  }

  received(data: string) {
    for (const l of this.messageListeners) l(data);
  }

  exited(exit: ChannelExit) {
    if (this.done) return;
    this.done = exit;
    for (const l of this.exitListeners) l(exit);
  }

  onMessage(listener: (m: string) => void) {
    this.messageListeners.push(listener);
  }

  onExit(listener: (e: ChannelExit) => void) {
    if (this.done) listener(this.done);
    else this.exitListeners.push(listener);
  }

  close() {
    if (!this.done) this.sendFrame({ t: "close", ch: this.ch });
  }
}
