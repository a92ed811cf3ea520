import { classify, idKey, UPSTREAM_UNAVAILABLE, type JsonRpcId, type JsonRpcRequest } from "../jsonrpc";
import type { SseEvent } from "../sse";
import { Backlog } from "./backlog";
import { sessionNotFound } from "./errors";
import { postToEndpoint, type PostOutcome } from "./post-message";
import type { LegacyRequestStream } from "./request-stream";
import type { SseOut } from "./sse-out";
import type { LegacyStream } from "./upstream-stream";

// One legacy upstream session (MCP 2024-11-05), shared by every request of one client session:
// a single GET stream carries every server message, and messages go up by POST to its endpoint.
// The bridge routes what the stream carries:
//   - a response → the client POST stream waiting for that request id;
//   - a progress notification → the stream whose request set that progressToken;
//   - a server-to-client request (sampling, elicitation, roots) → the oldest client POST stream
//     still open: the legacy transport cannot say which request it serves, and a client answers
//     it the same on any stream;
//   - anything else → the client's standalone GET stream, or the backlog until it opens one.
//
// Legacy sessions live in the memory of the replica that opened them: the transport is
// inherently stateful (one long-lived GET per session, nothing to hand to another process). A
// request for such a session on another replica, or after a restart, gets 404 "Session not
// found", and the client initializes a new session.

export interface BridgeIdentity {
  /** The legacy session id, as sealed in the client's session token. */
  id: string;
  grantId: string;
  serverId: string;
}

interface Route {
  stream: LegacyRequestStream;
  id: JsonRpcId;
  progressKey: string | null;
  initialize: boolean;
}

export class LegacyBridge {
  lastActive: number;
  /** Whether an initialize through this bridge succeeded. */
  initialized = false;
  /** Called once when the bridge closes, whatever the reason. */
  onClose: () => void = () => {};
  private readonly routes = new Map<string, Route>();
  private readonly progress = new Map<string, LegacyRequestStream>();
  private readonly streams = new Set<LegacyRequestStream>();
  private readonly backlog = new Backlog();
  private listener: SseOut | null = null;
  private closed = false;

  constructor(
    readonly identity: BridgeIdentity,
    private readonly upstream: LegacyStream,
    private readonly postHeaders: Record<string, string>,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastActive = now();
  }

  /** Starts reading the upstream stream; the bridge closes when it ends. */
  start() {
    void this.pump();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** In use: a client request waiting for answers, or a client listening on its GET stream. */
  get busy(): boolean {
    return this.streams.size > 0 || (this.listener !== null && !this.listener.isClosed);
  }

  touch() {
    this.lastActive = this.now();
  }

  /** Routes the answers to these requests to the stream; returns those refused (their id is already pending). */
  attach(stream: LegacyRequestStream, requests: JsonRpcRequest[]): Set<JsonRpcRequest> {
    const refused = new Set<JsonRpcRequest>();
    for (const r of requests) {
      const key = idKey(r.id);
      if (this.routes.has(key)) {
        refused.add(r);
        continue;
      }
      const token = (r.params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
      const progressKey = typeof token === "string" || typeof token === "number" ? idKey(token) : null;
      this.routes.set(key, { stream, id: r.id, progressKey, initialize: r.method === "initialize" });
      if (progressKey) this.progress.set(progressKey, stream);
      stream.expect(r.id);
    }
    this.streams.add(stream);
    stream.onFinish = () => this.detach(stream);
    return refused;
  }

  /** POSTs one message to the upstream's endpoint. */
  async send(message: unknown): Promise<PostOutcome> {
    if (this.closed) return { ok: false, status: null, error: sessionNotFound() };
    this.touch();
    const outcome = await postToEndpoint(this.upstream.endpoint, this.postHeaders, message, this.timeoutMs);
    if (outcome.ok || outcome.status !== 404) return outcome;
    // The upstream forgot the session (it restarted, or expired it): so does the gateway, and the
    // client is told the way Streamable HTTP tells it, so that it initializes again.
    this.close("the upstream server no longer knows this session");
    return { ok: false, status: 404, error: sessionNotFound() };
  }

  /** The client cancelled one of its requests (notifications/cancelled). */
  cancelled(requestId: unknown) {
    if (typeof requestId !== "string" && typeof requestId !== "number") return;
    const route = this.routes.get(idKey(requestId));
    if (!route) return;
    this.forgetRoute(idKey(requestId), route);
    route.stream.cancel(route.id);
  }

  /**
   * The client's standalone GET stream. A newer one replaces an older one rather than being
   * refused: a client reconnecting after a network break may come back before the gateway has
   * noticed that the old connection is dead.
   */
  listen(out: SseOut) {
    if (this.listener && this.listener !== out) this.listener.end();
    this.listener = out;
    for (const json of this.backlog.drain()) out.message(json);
    this.touch();
  }

  unlisten(out: SseOut) {
    if (this.listener === out) this.listener = null;
    this.touch();
  }

  close(reason: string) {
    if (this.closed) return;
    this.closed = true;
    this.upstream.close();
    for (const stream of [...this.streams]) stream.failAll(UPSTREAM_UNAVAILABLE, reason);
    this.listener?.end();
    this.listener = null;
    this.onClose();
  }

  private async pump() {
    try {
      for await (const ev of this.upstream.events) {
        if (this.closed) break;
        this.dispatch(ev);
      }
    } catch {
      /* the stream broke: the bridge closes below either way */
    }
    this.close("the upstream server closed the legacy SSE stream");
  }

  private dispatch(ev: SseEvent) {
    // `endpoint` again, keep-alive comments, event types MCP does not define: nothing to route.
    if (ev.data === undefined || (ev.event !== undefined && ev.event !== "message")) return;
    let value: unknown;
    try {
      value = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (!Array.isArray(value)) return this.deliver(value, ev.data);
    for (const item of value) this.deliver(item, JSON.stringify(item));
  }

  private deliver(value: unknown, json: string) {
    const m = classify(value);
    if (m.kind === "response") return this.deliverResponse(m.msg, json);
    if (m.kind === "notification" && m.msg.method === "notifications/progress") return this.deliverProgress(m.msg.params, json);
    if (m.kind === "request") return this.deliverServerRequest(json);
    if (m.kind === "notification") this.toListener(json);
  }

  private deliverResponse(msg: { id: JsonRpcId | null; result?: unknown; error?: unknown }, json: string) {
    const key = idKey(msg.id);
    const route = this.routes.get(key);
    // Nobody waits for it (the client went away or cancelled): dropped, as the upstream would have.
    if (!route) return;
    this.forgetRoute(key, route);
    if (route.initialize && msg.result !== undefined) this.initialized = true;
    route.stream.response(msg, json);
  }

  private deliverProgress(params: unknown, json: string) {
    const token = (params as { progressToken?: unknown } | undefined)?.progressToken;
    const stream = typeof token === "string" || typeof token === "number" ? this.progress.get(idKey(token)) : undefined;
    if (stream) stream.related(json);
    else this.toListener(json);
  }

  private deliverServerRequest(json: string) {
    for (const stream of this.streams) {
      if (stream.isOpen) return stream.related(json);
    }
    this.toListener(json);
  }

  private toListener(json: string) {
    if (this.listener && !this.listener.isClosed) this.listener.message(json);
    else this.backlog.push(json);
  }

  private forgetRoute(key: string, route: Route) {
    this.routes.delete(key);
    if (route.progressKey) this.progress.delete(route.progressKey);
  }

  private detach(stream: LegacyRequestStream) {
    this.streams.delete(stream);
    for (const [key, route] of this.routes) if (route.stream === stream) this.forgetRoute(key, route);
    this.touch();
  }
}
