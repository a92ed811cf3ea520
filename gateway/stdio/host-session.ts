import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { idKey, type JsonRpcId } from "../proxy/jsonrpc";
import type { SessionPort, StdioProcess } from "./stdio-process";
import type { ChannelExit } from "./types";

type Json = Record<string, unknown>;
const BACKLOG_CAP = 1_000;

/**
 * One POST's answer: open until every request it carried is answered. Its form is chosen by the
 * first message for it: a lone request whose answer comes first is answered as plain JSON (one
 * write, and the cheaper path through the gateway); anything else (progress, a server request, a
 * batch) opens an event stream.
 */
class PostStream {
  private streaming = false;

  constructor(
    readonly res: ServerResponse,
    readonly ids: Set<string>,
    private readonly sessionId: string,
  ) {}

  /** Writes a message; `last`: the final answer of this POST. */
  write(message: Json, last: boolean) {
    if (!this.streaming && last) {
      const body = JSON.stringify(message);
      this.res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "mcp-session-id": this.sessionId });
      this.res.end(body);
      return;
    }
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "mcp-session-id": this.sessionId });
    }
    this.res.write(sse(message));
    if (last) this.res.end();
  }

  /** Ends it with nothing more to say (the process or session went away). */
  end() {
    if (!this.res.headersSent) this.res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "mcp-session-id": this.sessionId });
    this.res.end();
  }
}

/**
 * A client session of the stdio host, in Streamable HTTP terms: each POST that carries requests
 * is answered with an event stream that ends when its last request is answered; the standalone
 * GET stream carries what belongs to no request; messages for a stream not (yet) open wait in a
 * bounded backlog until the client opens its GET stream.
 */
export class HostSession implements SessionPort {
  readonly id = randomBytes(16).toString("hex");
  lastActiveAt = Date.now();
  ended: ChannelExit | null = null;
  /** Whether the client has been given this session's id (an answer carrying it was sent). */
  private announced = false;
  private readonly posts: PostStream[] = [];
  private getStream: ServerResponse | null = null;
  private backlog: string[] = [];

  constructor(
    readonly serverId: string,
    readonly process: StdioProcess,
    private readonly onEnd: (s: HostSession, reason: string) => void,
  ) {}

  /** Answers a POST that carries requests with an event stream and forwards its messages. */
  post(res: ServerResponse, messages: Json[]) {
    this.lastActiveAt = Date.now();
    const ids = new Set(messages.filter((m) => typeof m.method === "string" && m.id !== undefined).map((m) => idKey(m.id as JsonRpcId)));
    if (ids.size > 0) {
      const stream = new PostStream(res, ids, this.id);
      this.posts.push(stream);
      res.on("close", () => {
        // The client never learnt this session's id (it left before the first answer): nobody
        // can use the session, so it ends now instead of holding a process until the idle stop.
        if (!res.headersSent && !this.announced) return this.close("the client left before the session was set up");
        if (res.headersSent) this.announced = true;
        const i = this.posts.indexOf(stream);
        if (i === -1) return;
        // The client left before its answers: tell the server to stop working on them.
        this.posts.splice(i, 1);
        if (stream.ids.size) this.process.cancel(this, stream.ids, "the client went away");
      });
    } else {
      res.writeHead(202, { "mcp-session-id": this.id });
      res.end();
      this.announced = true;
    }
    for (const m of messages) this.process.fromClient(this, m);
  }

  openGet(res: ServerResponse) {
    this.lastActiveAt = Date.now();
    // One standalone stream per session: a new GET replaces the previous one.
    this.getStream?.end();
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "mcp-session-id": this.id });
    res.flushHeaders();
    this.getStream = res;
    res.on("close", () => {
      if (this.getStream === res) this.getStream = null;
    });
    const waiting = this.backlog;
    this.backlog = [];
    for (const event of waiting) res.write(event);
  }

  deliverResponse(requestId: JsonRpcId, message: Json) {
    const key = idKey(requestId);
    const stream = this.posts.find((p) => p.ids.has(key));
    if (!stream) return;
    stream.ids.delete(key);
    const last = stream.ids.size === 0;
    if (last) this.posts.splice(this.posts.indexOf(stream), 1);
    stream.write(message, last);
    this.announced = true;
  }

  forget(requestId: JsonRpcId) {
    const key = idKey(requestId);
    const stream = this.posts.find((p) => p.ids.has(key));
    if (!stream) return;
    stream.ids.delete(key);
    if (stream.ids.size === 0) {
      this.posts.splice(this.posts.indexOf(stream), 1);
      stream.end();
    }
  }

  deliverProgress(requestId: JsonRpcId, message: Json) {
    const key = idKey(requestId);
    const stream = this.posts.find((p) => p.ids.has(key));
    if (stream) stream.write(message, false);
    else this.deliverNotification(message);
  }

  deliverServerRequest(message: Json) {
    const stream = this.posts[this.posts.length - 1];
    if (stream) stream.write(message, false);
    else this.toStandalone(sse(message));
  }

  deliverNotification(message: Json) {
    if (this.getStream) return void this.getStream.write(sse(message));
    const stream = this.posts[this.posts.length - 1];
    if (stream) stream.write(message, false);
    else this.toStandalone(sse(message));
  }

  private toStandalone(event: string) {
    if (this.getStream) return void this.getStream.write(event);
    if (this.backlog.length >= BACKLOG_CAP) this.backlog.shift();
    this.backlog.push(event);
  }

  processGone(exit: ChannelExit) {
    this.ended = exit;
    this.endStreams();
    this.onEnd(this, exit.message);
  }

  /** The client ended the session (DELETE), or the host stops it. */
  close(reason: string) {
    if (this.ended) return;
    this.ended = { code: null, signal: null, message: reason };
    this.endStreams();
    this.process.detach(this);
    this.onEnd(this, reason);
  }

  private endStreams() {
    for (const p of this.posts.splice(0)) p.end();
    this.getStream?.end();
    this.getStream = null;
  }
}

function sse(message: Json): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}
