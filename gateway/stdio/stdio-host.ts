import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { classify, errorResponse, GATEWAY_ERROR, INVALID_REQUEST, PARSE_ERROR, UPSTREAM_UNAVAILABLE, type JsonRpcId } from "../proxy/jsonrpc";
import { HostSession } from "./host-session";
import { ServerLogs } from "./server-log";
import { StdioProcess } from "./stdio-process";
import { LaunchError, type ChannelOpener, type LaunchSpec } from "./types";

type Json = Record<string, unknown>;

export interface StdioHostOptions {
  /** The launch spec of a command or connector server, or null when there is none. */
  spec(serverId: string): Promise<LaunchSpec | null>;
  openers: { command: ChannelOpener; connector: ChannelOpener };
  /** Most processes one organization may run at once, across its servers. */
  maxPerOrg: number;
  logs?: ServerLogs;
  /** How often idle processes are looked for. */
  reapIntervalMs?: number;
  maxBodyBytes?: number;
}

export interface ProcessInfo {
  id: string;
  pid: number | null;
  mode: "session" | "shared";
  sessions: number;
  startedAt: string;
  lastActiveAt: string;
}

const SESSION_HEADER = "mcp-session-id";
const KEY_HEADER = "x-toolgate-stdio-key";
const ENDED_MEMORY = 1_000;

/**
 * Serves command and connector servers as Streamable HTTP endpoints on a loopback port, so the
 * gateway reaches them through exactly the code that reaches HTTP upstreams: policy, quotas,
 * approvals, audit and transparency are the same by construction. Only the gateway can call it:
 * it listens on 127.0.0.1 and requires a per-process random key. Each session of a "session"
 * mode server gets its own process, started by its initialize request; "shared" servers run one
 * process for all sessions. Sessions live in this process's memory: a session whose process
 * ended (crash, idle stop, restart of Toolgate) is answered 404 with the reason, and the client
 * starts a new one.
 */
export class StdioHost {
  readonly logs: ServerLogs;
  private readonly key = randomBytes(32).toString("base64url");
  private readonly server: http.Server;
  private baseUrl = "";
  private readonly sessions = new Map<string, HostSession>();
  private readonly endedSessions = new Map<string, string>();
  private readonly processes = new Map<string, Set<StdioProcess>>();
  private readonly sharedProcess = new Map<string, Promise<StdioProcess>>();
  private readonly starting = new Map<string, number>();
  private reaper?: NodeJS.Timeout;

  constructor(private readonly opts: StdioHostOptions) {
    this.logs = opts.logs ?? new ServerLogs();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) sendJson(res, 500, errorResponse(null, GATEWAY_ERROR, `stdio host error: ${(err as Error).message}`));
        else res.end();
      });
    });
    this.server.keepAliveTimeout = 65_000;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.reaper = setInterval(() => this.reapIdle(), this.opts.reapIntervalMs ?? 1_000);
    this.reaper.unref();
  }

  /** Where the gateway sends a command or connector server's traffic, and the key it must present. */
  upstream(serverId: string): { url: string; headers: Record<string, string> } {
    return { url: `${this.baseUrl}/s/${encodeURIComponent(serverId)}`, headers: { [KEY_HEADER]: this.key } };
  }

  processList(serverId: string): ProcessInfo[] {
    return [...(this.processes.get(serverId) ?? [])].map((p) => ({
      id: p.id,
      pid: p.pid,
      mode: p.spec.mode,
      sessions: p.sessions.size,
      startedAt: p.startedAt.toISOString(),
      lastActiveAt: new Date(p.lastActiveAt).toISOString(),
    }));
  }

  /** Stops one process of a server (an admin's decision); false when it is not running here. */
  stopProcess(serverId: string, processId: string, reason: string): boolean {
    const p = [...(this.processes.get(serverId) ?? [])].find((x) => x.id === processId);
    if (!p || p.exited) return false;
    this.logs.append(serverId, "event", `stopped by an admin`, p.pid);
    for (const s of [...p.sessions]) (s as HostSession).close(reason);
    p.stop();
    return true;
  }

  /** Stops every process of a server (its settings changed, or it was deleted: then its log goes too). */
  stopServer(serverId: string, reason: string, opts: { forget?: boolean } = {}) {
    for (const s of [...this.sessions.values()]) if (s.serverId === serverId) s.close(reason);
    for (const p of this.processes.get(serverId) ?? []) p.stop();
    if (opts.forget) this.logs.forget(serverId);
  }

  async close() {
    clearInterval(this.reaper);
    for (const s of [...this.sessions.values()]) s.close("Toolgate is shutting down");
    // At once: the process is about to exit, and a grace timer would not outlive it.
    for (const set of this.processes.values()) for (const p of set) p.stop(true);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!this.authorized(req.headers[KEY_HEADER])) return sendJson(res, 403, errorResponse(null, GATEWAY_ERROR, "forbidden"));
    const match = /^\/s\/([^/?]+)/.exec(req.url ?? "");
    if (!match) return sendJson(res, 404, errorResponse(null, GATEWAY_ERROR, "not found"));
    const serverId = decodeURIComponent(match[1]);
    const sessionId = req.headers[SESSION_HEADER];
    const session = typeof sessionId === "string" ? this.sessions.get(sessionId) : undefined;
    const notFound = (id: string) => {
      const why = this.endedSessions.get(id);
      sendJson(res, 404, errorResponse(null, UPSTREAM_UNAVAILABLE, `Session not found${why ? `: ${why}` : ""}; start a new session`));
    };
    if (typeof sessionId === "string" && (!session || session.serverId !== serverId)) {
      req.resume();
      return notFound(sessionId);
    }
    if (req.method === "GET") {
      if (!session) return sendJson(res, 400, errorResponse(null, INVALID_REQUEST, "a GET stream needs a session"));
      return session.openGet(res);
    }
    if (req.method === "DELETE") {
      if (!session) return sendJson(res, 400, errorResponse(null, INVALID_REQUEST, "no session to end"));
      session.close("the client ended the session");
      res.writeHead(200).end();
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "GET, POST, DELETE" }).end();
      return;
    }
    let messages: Json[];
    try {
      const body = JSON.parse((await readBody(req, this.opts.maxBodyBytes ?? 16 * 1024 * 1024)).toString("utf8")) as unknown;
      messages = (Array.isArray(body) ? body : [body]) as Json[];
      const bad = messages.map(classify).find((m) => m.kind === "invalid");
      if (bad) return sendJson(res, 400, errorResponse(null, INVALID_REQUEST, bad.kind === "invalid" ? bad.reason : "invalid"));
    } catch {
      return sendJson(res, 400, errorResponse(null, PARSE_ERROR, "the body is not JSON"));
    }
    if (session) {
      // The session may have ended while the body was read (DELETE, idle stop, a crash).
      if (session.ended) return notFound(session.id);
      return session.post(res, messages);
    }
    const init = messages.find((m) => m.method === "initialize" && m.id !== undefined);
    if (!init) return sendJson(res, 400, errorResponse(null, INVALID_REQUEST, "no session: send initialize first"));
    let clientGone = false;
    const onClose = () => (clientGone = true);
    res.once("close", onClose);
    let proc: StdioProcess;
    try {
      proc = await this.processFor(serverId);
      if (proc.exited) throw new LaunchError(proc.exited.message, "failed");
    } catch (err) {
      const message = err instanceof LaunchError ? err.message : `could not start the server: ${(err as Error).message}`;
      const answers = messages.filter((m) => m.id !== undefined && typeof m.method === "string").map((m) => errorResponse(m.id as JsonRpcId, UPSTREAM_UNAVAILABLE, message));
      return sendJson(res, 200, answers.length === 1 ? answers[0] : answers);
    }
    // The client gave up while the process started (a slow `npx` download, a connector far
    // away): nobody will ever know this session's id, so its process must not wait for the reaper.
    res.off("close", onClose);
    if (clientGone) {
      if (proc.spec.mode === "session" && proc.sessions.size === 0) proc.stop();
      return;
    }
    const created = new HostSession(serverId, proc, (s, reason) => this.sessionEnded(s, reason));
    this.sessions.set(created.id, created);
    proc.attach(created);
    created.post(res, messages);
  }

  private authorized(presented: string | string[] | undefined): boolean {
    if (typeof presented !== "string") return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(this.key);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** A new process for a session, or the server's shared one; within the server's and the org's caps. */
  private async processFor(serverId: string): Promise<StdioProcess> {
    const shared = this.sharedProcess.get(serverId);
    if (shared) {
      const p = await shared.catch(() => null);
      if (p && !p.exited) return p;
    }
    const spec = await this.opts.spec(serverId);
    if (!spec) throw new LaunchError("this server is not a command or connector server", "failed");
    if (spec.mode === "shared") {
      // Another initialize may have started the shared process while the spec loaded.
      const raced = this.sharedProcess.get(serverId);
      if (raced) {
        const p = await raced.catch(() => null);
        if (p && !p.exited) return p;
      }
      const starting = this.launch(spec);
      this.sharedProcess.set(serverId, starting);
      starting.catch(() => this.sharedProcess.get(serverId) === starting && this.sharedProcess.delete(serverId));
      return starting;
    }
    return this.launch(spec);
  }

  private async launch(spec: LaunchSpec): Promise<StdioProcess> {
    // At a cap, the least recently active process with no call in flight makes room (clients
    // often leave without ending their session); only when every one is busy is the start refused.
    const ofServer = (this.processes.get(spec.serverId)?.size ?? 0) + (this.starting.get(spec.serverId) ?? 0);
    if (ofServer >= spec.maxProcesses && !this.evictIdle((p) => p.spec.serverId === spec.serverId, `its server's limit of ${spec.maxProcesses} processes`)) {
      throw new LaunchError(`this server already runs ${ofServer} processes, its limit (max processes ${spec.maxProcesses}), each with a call in flight; try again later or raise the limit`, "capacity");
    }
    const ofOrg = this.countOrg(spec.orgId);
    if (ofOrg >= this.opts.maxPerOrg && !this.evictIdle((p) => p.spec.orgId === spec.orgId, `the organization's limit of ${this.opts.maxPerOrg} processes`)) {
      throw new LaunchError(`this organization already runs ${ofOrg} server processes, the limit on this Toolgate (TOOLGATE_STDIO_MAX_PER_ORG=${this.opts.maxPerOrg}), each with a call in flight`, "capacity");
    }
    const orgKey = `org:${spec.orgId}`;
    const bump = (k: string, d: number) => this.starting.set(k, (this.starting.get(k) ?? 0) + d);
    bump(spec.serverId, 1);
    bump(orgKey, 1);
    try {
      const opener = spec.kind === "command" ? this.opts.openers.command : this.opts.openers.connector;
      const log = (stream: "stderr" | "stdout" | "event", text: string, pid: number | null) => this.logs.append(spec.serverId, stream, text, pid);
      const channel = await opener.open(spec, log);
      const proc = new StdioProcess(
        spec,
        channel,
        (p) => this.processGone(p),
        (line) => log("stdout", line, channel.pid),
      );
      // A process can be gone already (it exited at once; a connector's `opened` and `exit`
      // frames can arrive together): never count or attach a dead one.
      if (proc.exited) throw new LaunchError(proc.exited.message, "failed");
      let set = this.processes.get(spec.serverId);
      if (!set) this.processes.set(spec.serverId, (set = new Set()));
      set.add(proc);
      return proc;
    } finally {
      bump(spec.serverId, -1);
      bump(orgKey, -1);
    }
  }

  /** Stops the least recently active process matching, with no call in flight; false when there is none. */
  private evictIdle(matches: (p: StdioProcess) => boolean, limit: string): boolean {
    let victim: StdioProcess | undefined;
    for (const set of this.processes.values()) {
      for (const p of set) if (matches(p) && !p.busy && !p.exited && (!victim || p.lastActiveAt < victim.lastActiveAt)) victim = p;
    }
    if (!victim) return false;
    const reason = `the server process was stopped to make room for a new session (${limit})`;
    this.logs.append(victim.spec.serverId, "event", `stopping the least recently used process to make room (${limit})`, victim.pid);
    // Counted out now: its exit is reported later.
    this.processGone(victim);
    for (const s of [...victim.sessions]) (s as HostSession).close(reason);
    victim.stop();
    return true;
  }

  private countOrg(orgId: string): number {
    let n = this.starting.get(`org:${orgId}`) ?? 0;
    for (const set of this.processes.values()) for (const p of set) if (p.spec.orgId === orgId) n++;
    return n;
  }

  private processGone(p: StdioProcess) {
    const set = this.processes.get(p.spec.serverId);
    set?.delete(p);
    if (set?.size === 0) this.processes.delete(p.spec.serverId);
    const shared = this.sharedProcess.get(p.spec.serverId);
    if (shared) void shared.then((s) => s === p && this.sharedProcess.delete(p.spec.serverId), () => {});
  }

  private sessionEnded(s: HostSession, reason: string) {
    this.sessions.delete(s.id);
    this.endedSessions.set(s.id, reason);
    if (this.endedSessions.size > ENDED_MEMORY) this.endedSessions.delete(this.endedSessions.keys().next().value!);
  }

  /** Stops processes that exchanged no message for their server's idle timeout (never one with a call in flight). */
  private reapIdle() {
    const now = Date.now();
    for (const set of this.processes.values()) {
      for (const p of set) {
        if (p.busy || now - p.lastActiveAt < p.spec.idleTimeoutMs) continue;
        const reason = `the server process was stopped after ${Math.round(p.spec.idleTimeoutMs / 1000)} s without activity`;
        this.logs.append(p.spec.serverId, "event", `idle for ${Math.round((now - p.lastActiveAt) / 1000)} s: stopping`, p.pid);
        for (const s of [...p.sessions]) (s as HostSession).close(reason);
        p.stop();
      }
    }
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
