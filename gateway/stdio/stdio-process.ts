import { randomBytes } from "node:crypto";
import { classifyAnswer, errorResponse, idKey, UPSTREAM_UNAVAILABLE, type JsonRpcId } from "../proxy/jsonrpc";
import type { ChannelExit, LaunchSpec, MessageChannel } from "./types";

type Json = Record<string, unknown>;

/** What a process needs of a client session to hand it messages. */
export interface SessionPort {
  readonly id: string;
  deliverResponse(requestId: JsonRpcId, message: Json): void;
  /** A progress notification for the request with this id (the session sends it on that request's stream). */
  deliverProgress(requestId: JsonRpcId, message: Json): void;
  /** A request from the server (sampling, elicitation, roots, ping). */
  deliverServerRequest(message: Json): void;
  deliverNotification(message: Json): void;
  /** The client cancelled this request: no answer will come for it. */
  forget(requestId: JsonRpcId): void;
  processGone(exit: ChannelExit): void;
}

interface PendingRequest {
  session: SessionPort;
  originalId: JsonRpcId;
  method: string;
  /** The token we gave the server, and the client's own, restored on its progress notifications. */
  progressToken?: string;
  clientToken?: unknown;
}

/**
 * One running stdio MCP server and the client sessions attached to it: one in "session" mode,
 * any number in "shared" mode. Request ids (and progress tokens) are renumbered on the way in,
 * so that sessions sharing a process cannot collide, and restored on the way out; answers thus
 * reach exactly the session and request they belong to. A shared process is initialized once:
 * later sessions get the first initialize result and their `initialized` notification is not
 * repeated. Requests from the server go to the session whose call is in flight (a stdio server's
 * sampling or elicitation request belongs to the tool call it is running).
 */
export class StdioProcess {
  readonly id = `proc_${randomBytes(6).toString("hex")}`;
  readonly startedAt = new Date();
  lastActiveAt = Date.now();
  readonly sessions = new Set<SessionPort>();
  exited: ChannelExit | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly progress = new Map<string, PendingRequest>();
  private readonly serverRequests = new Map<string, SessionPort>();
  private initializeResult: unknown;
  private initializedSent = false;
  private lastRequester: SessionPort | null = null;

  constructor(
    readonly spec: LaunchSpec,
    private readonly channel: MessageChannel,
    private readonly onGone: (p: StdioProcess, exit: ChannelExit) => void,
    private readonly onNonJson: (line: string) => void = () => {},
  ) {
    channel.onMessage((line) => this.fromServer(line));
    channel.onExit((exit) => this.gone(exit));
  }

  get pid() {
    return this.channel.pid;
  }

  /** Whether a request of a client is waiting for its answer (an idle process is not stopped then). */
  get busy() {
    return this.pending.size > 0;
  }

  attach(session: SessionPort) {
    this.sessions.add(session);
  }

  /** A session ended: its requests are forgotten (and cancelled at the server); a per-session process stops. */
  detach(session: SessionPort) {
    if (!this.sessions.delete(session)) return;
    this.cancel(session, null, "the client session ended");
    if (this.lastRequester === session) this.lastRequester = null;
    if (this.spec.mode === "session" || this.sessions.size === 0) this.stop();
  }

  /** Stops the process: politely (stdin closed, TERM, then KILL), or at once with `now`. */
  stop(now = false) {
    this.channel.close(now);
  }

  /** Tells the server that these requests of the session (all of them when ids is null) are no longer wanted. */
  cancel(session: SessionPort, ids: Set<string> | null, reason: string) {
    for (const [id, p] of this.pending) {
      if (p.session !== session || (ids && !ids.has(idKey(p.originalId)))) continue;
      this.pending.delete(id);
      if (p.progressToken) this.progress.delete(p.progressToken);
      this.channel.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: id, reason } }));
    }
  }

  fromClient(session: SessionPort, msg: Json) {
    this.lastActiveAt = Date.now();
    if (typeof msg.method === "string") {
      if (msg.id === undefined) return this.notificationFromClient(session, msg);
      if (msg.method === "initialize" && this.initializeResult !== undefined) {
        session.deliverResponse(msg.id as JsonRpcId, { jsonrpc: "2.0", id: msg.id, result: this.initializeResult });
        return;
      }
      const id = this.nextId++;
      const entry: PendingRequest = { session, originalId: msg.id as JsonRpcId, method: msg.method };
      let params = msg.params as Json | undefined;
      const meta = params?._meta as Json | undefined;
      if (meta && meta.progressToken !== undefined) {
        entry.progressToken = `tg-${id}`;
        this.progress.set(entry.progressToken, entry);
        entry.clientToken = meta.progressToken;
        params = { ...params, _meta: { ...meta, progressToken: entry.progressToken } };
      }
      this.pending.set(id, entry);
      this.lastRequester = session;
      this.channel.send(JSON.stringify(params === msg.params ? { ...msg, id } : { ...msg, id, params }));
      return;
    }
    // The client's answer to a request of the server: ids are the server's own, passed unchanged,
    // and only from the session the request was given to (another session sharing the process
    // must not answer, or pre-empt, a request that was not its own).
    const key = idKey(msg.id as JsonRpcId);
    if (this.serverRequests.get(key) !== session) return;
    this.serverRequests.delete(key);
    this.channel.send(JSON.stringify(msg));
  }

  private notificationFromClient(session: SessionPort, msg: Json) {
    if (msg.method === "notifications/initialized") {
      if (this.initializedSent) return;
      this.initializedSent = true;
    } else if (msg.method === "notifications/cancelled") {
      const params = (msg.params ?? {}) as Json;
      const key = idKey(params.requestId as JsonRpcId);
      for (const [id, p] of this.pending) {
        if (p.session === session && idKey(p.originalId) === key) {
          // The server sends no answer to a cancelled request: stop waiting for one.
          this.pending.delete(id);
          if (p.progressToken) this.progress.delete(p.progressToken);
          this.channel.send(JSON.stringify({ ...msg, params: { ...params, requestId: id } }));
          session.forget(p.originalId);
          return;
        }
      }
      return; // already answered, or not this session's
    }
    this.channel.send(JSON.stringify(msg));
  }

  private fromServer(line: string) {
    this.lastActiveAt = Date.now();
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.onNonJson(line);
      return;
    }
    if (Array.isArray(value)) for (const m of value) this.route(m);
    else this.route(value);
  }

  private route(value: unknown) {
    const m = classifyAnswer(value);
    if (m.kind === "invalid") return this.onNonJson(JSON.stringify(value).slice(0, 500));
    const msg = m.msg as Json;
    if (m.kind === "response") {
      const p = typeof msg.id === "number" ? this.pending.get(msg.id) : undefined;
      if (!p) return;
      this.pending.delete(msg.id as number);
      if (p.progressToken) this.progress.delete(p.progressToken);
      if (p.method === "initialize" && msg.result !== undefined) this.initializeResult = msg.result;
      p.session.deliverResponse(p.originalId, { ...msg, id: p.originalId });
      return;
    }
    if (m.kind === "notification") {
      const params = (msg.params ?? {}) as Json;
      if (msg.method === "notifications/progress" && typeof params.progressToken === "string") {
        const p = this.progress.get(params.progressToken);
        if (p) return p.session.deliverProgress(p.originalId, { ...msg, params: { ...params, progressToken: p.clientToken } });
      }
      if (msg.method === "notifications/cancelled") {
        const s = this.serverRequests.get(idKey(params.requestId as JsonRpcId));
        if (s) return s.deliverNotification(msg);
      }
      for (const s of this.sessions) s.deliverNotification(msg);
      return;
    }
    const session = this.requesterFor();
    if (!session) {
      const why =
        this.waitingSessions().size > 1
          ? "several client sessions share this process and have calls in flight, so this request cannot be given to the right one (use one process per session for servers that sample, elicit or ask for roots)"
          : "no client is connected to answer this request";
      this.channel.send(JSON.stringify(errorResponse(msg.id as JsonRpcId, UPSTREAM_UNAVAILABLE, why)));
      return;
    }
    this.serverRequests.set(idKey(msg.id as JsonRpcId), session);
    session.deliverServerRequest(msg);
  }

  private waitingSessions(): Set<SessionPort> {
    return new Set([...this.pending.values()].map((p) => p.session));
  }

  /**
   * The session a server's request belongs to: the one whose call is in flight. When several
   * sessions of a shared process have calls in flight, none: stdio carries no link between a
   * server's request and the call it serves, and a guess could hand one user's sampling prompt
   * to another's client.
   */
  private requesterFor(): SessionPort | null {
    const waiting = this.waitingSessions();
    if (waiting.size > 1) return null;
    const [only] = waiting;
    if (only) return only;
    if (this.lastRequester && this.sessions.has(this.lastRequester)) return this.lastRequester;
    const [first] = this.sessions;
    return first ?? null;
  }

  private gone(exit: ChannelExit) {
    this.exited = exit;
    for (const p of this.pending.values()) p.session.deliverResponse(p.originalId, errorResponse(p.originalId, UPSTREAM_UNAVAILABLE, exit.message) as unknown as Json);
    this.pending.clear();
    this.progress.clear();
    for (const s of this.sessions) s.processGone(exit);
    this.sessions.clear();
    this.onGone(this, exit);
  }
}
