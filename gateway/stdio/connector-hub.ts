import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { CLOSE_KEY_REFUSED, CLOSE_PROTOCOL, CLOSE_REPLACED, closeReason, parseConnectorFrame, PROTOCOL_VERSION, type ConnectorFrame, type HubFrame } from "./connector-protocol";
import { ChannelEvents } from "./channel-events";
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
/** How long a closed channel waits for the connector's `exit` before it is reported exited anyway. */
const CLOSE_CONFIRM_MS = 10_000;
/** Invalid frames a connection may send before it is closed as a protocol error. */
const INVALID_FRAMES_MAX = 20;

export interface ConnectorHubOptions {
  openTimeoutMs?: number;
  closeConfirmMs?: number;
}

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
  private beating = false;

  constructor(
    private readonly authority: ConnectorAuthority,
    private readonly heartbeatMs = HEARTBEAT_MS,
    private readonly options: ConnectorHubOptions = {},
  ) {
    this.timer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.timer.unref();
  }

  /** Handles an upgrade request for /connect: the key in `Authorization: Bearer tgc_…`. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    // Nothing listens for the socket's errors between the HTTP server handing it over and `ws`
    // taking it: a client resetting the connection meanwhile (during the key lookup, or while the
    // 401 is written) would raise an uncaught ECONNRESET/EPIPE and end Toolgate.
    const onError = () => socket.destroy();
    socket.on("error", onError);
    const auth = req.headers.authorization;
    const key = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
    const found = key ? await this.authority.verify(key).catch(() => null) : null;
    if (!found) {
      // Destroyed once written: a client that never closes its side must not hold the socket.
      if (!socket.destroyed) socket.end("HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nthe connector key is unknown or revoked\n", () => socket.destroy());
      return;
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off("error", onError);
      const previous = this.connections.get(found.serverId);
      const conn = new Connection(ws, found.serverId, found.keyId, this.options);
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
    // A slow database must not stack runs (each awaits a lookup per connection): skip this one.
    if (this.beating) return;
    this.beating = true;
    try {
      for (const c of [...this.connections.values()]) {
        if (Date.now() - c.lastPong.getTime() > this.heartbeatMs * 2 + 1_000) {
          c.terminate();
          continue;
        }
        // Fails open on purpose: a database hiccup must not cut every connector off (availability);
        // a revocation on this replica ends its connection at once anyway (disconnectKey), and
        // elsewhere at the first heartbeat whose lookup succeeds.
        const valid = await this.authority.stillValid(c.keyId).catch(() => true);
        if (!valid) {
          c.end(CLOSE_KEY_REFUSED, "the connector key was revoked");
          continue;
        }
        c.ping();
        void this.authority.seen(c.serverId, c.lastPong).catch(() => {});
      }
    } finally {
      this.beating = false;
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
  private invalidFrames = 0;

  constructor(
    private readonly ws: WebSocket,
    readonly serverId: string,
    readonly keyId: string,
    private readonly options: ConnectorHubOptions = {},
  ) {
    ws.on("pong", () => (this.lastPong = new Date()));
    // A frame ws itself refuses (unmasked, invalid UTF-8, over the size cap) is emitted as an
    // error, which unheard would end Toolgate; ws closes the connection itself (1002/1007/1009).
    ws.on("error", () => {});
    ws.on("message", (data) => {
      // Frames that arrive after the close began belong to nobody any more.
      if (!this.alive) return;
      const frame = parseConnectorFrame(data);
      if (!frame) {
        if (++this.invalidFrames >= INVALID_FRAMES_MAX) this.end(CLOSE_PROTOCOL, "too many invalid frames");
        return;
      }
      // A throw here would be an uncaught exception in Toolgate: whatever a connector sends, it must not end the process.
      try {
        this.onFrame(frame);
      } catch (err) {
        console.error(`toolgate: a connector frame of server ${this.serverId} failed: ${(err as Error).message}`);
      }
    });
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
    try {
      this.ws.close(code, closeReason(reason));
    } catch {
      this.ws.terminate();
    }
    this.dropChannels(reason.startsWith("the connector") ? reason : `the connector was disconnected: ${reason}`);
  }

  terminate() {
    this.ws.terminate();
    this.dropChannels("the connector stopped answering heartbeats");
  }

  openChannel(log: LogSink): Promise<MessageChannel> {
    const ch = randomBytes(8).toString("hex");
    const openTimeoutMs = this.options.openTimeoutMs ?? OPEN_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.opening.delete(ch);
        reject(new LaunchError(`the connector did not start the server within ${openTimeoutMs / 1000} s`, "failed"));
        this.send({ t: "close", ch });
      }, openTimeoutMs);
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

  private onFrame(f: ConnectorFrame) {
    switch (f.t) {
      case "hello":
        if (f.version !== PROTOCOL_VERSION) return this.end(CLOSE_PROTOCOL, `unsupported connector protocol version ${f.version}`);
        this.commandLine = [f.command, ...f.args].join(" ").slice(0, 500);
        this.hostname = f.hostname.slice(0, 200);
        return;
      case "opened": {
        // A repeated `opened` of a live channel is ignored; one never asked for (or given up on) is closed.
        if (this.channels.has(f.ch)) return;
        const o = this.opening.get(f.ch);
        if (!o) return this.send({ t: "close", ch: f.ch });
        this.opening.delete(f.ch);
        clearTimeout(o.timer);
        const channel = new RemoteChannel(f.ch, f.pid, (frame) => this.send(frame), this.options.closeConfirmMs ?? CLOSE_CONFIRM_MS);
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
        c?.logTo?.(f.stream, f.text, c.pid);
        return;
      }
      case "exit":
        this.channels.get(f.ch)?.exited({ code: f.code, signal: f.signal, message: f.message || "the server process exited" });
        this.channels.delete(f.ch);
        return;
    }
  }
}

/** A process on the connector's machine, seen from Toolgate. */
class RemoteChannel extends ChannelEvents implements MessageChannel {
  logTo?: LogSink;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ch: string,
    readonly pid: number | null,
    private readonly sendFrame: (f: HubFrame) => void,
    private readonly closeConfirmMs = CLOSE_CONFIRM_MS,
  ) {
    super();
  }

  send(message: string) {
    if (!this.exit) this.sendFrame({ t: "msg", ch: this.ch, data: message });
  }

  received(data: string) {
    this.emitMessage(data);
  }

  exited(exit: ChannelExit) {
    if (this.exit) return;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.emitExit(exit);
  }

  close() {
    if (this.exit || this.closeTimer) return;
    this.sendFrame({ t: "close", ch: this.ch });
    // A connector that never confirms (a bug, or a process it cannot stop) must not hold the channel forever.
    this.closeTimer = setTimeout(() => this.exited({ code: null, signal: null, message: "the server process was stopped (the connector did not confirm it)" }), this.closeConfirmMs);
    this.closeTimer.unref();
  }
}
