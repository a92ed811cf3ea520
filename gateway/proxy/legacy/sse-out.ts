import type { GatewayResponse } from "../../http/io";
import { serializeEvent } from "../sse";

// A client-facing SSE stream fed by a legacy bridge (a POST's answer, or the standalone GET
// stream). Writes happen in order, one at a time, and the bridge never waits for them: one
// client that reads slowly must not stall the upstream stream its whole session shares. A
// client that stops reading altogether is cut off once too much is queued for it.

const MAX_QUEUED_CHARS = 8 * 1024 * 1024;

export class SseOut {
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private ending = false;
  private gone = false;
  private resolveClosed!: () => void;
  /** Settles once the stream is ended (everything written) or abandoned. */
  readonly closed = new Promise<void>((r) => (this.resolveClosed = r));

  constructor(
    private readonly res: GatewayResponse,
    private readonly onOverflow: () => void = () => {},
  ) {}

  start(headers: Record<string, string>) {
    this.res.start(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
    // Node sends the headers with the first write: an empty one tells the client at once that
    // its stream is open, rather than when the upstream first has something to say.
    this.run(() => this.res.write(""));
  }

  /** True once end() or abandon() was called: nothing more will be written. */
  get isClosed(): boolean {
    return this.ending || this.gone;
  }

  /** Queues one JSON-RPC message as a `message` event. */
  message(json: string) {
    this.write(serializeEvent({ event: "message" }, json));
  }

  /** Queues a message computed in turn, after what was queued before it is written (or null: nothing). */
  messageFrom(make: () => Promise<string | null>) {
    if (this.isClosed) return;
    this.run(async () => {
      const json = await make();
      if (json !== null && !this.gone) await this.res.write(serializeEvent({ event: "message" }, json));
    });
  }

  /** Queues work that must happen in order with the writes (settling a call before its answer is sent). */
  run(task: () => Promise<void> | void) {
    this.chain = this.chain.then(task).catch(() => {
      /* one failed task (a client gone mid-write) must not stop the ones after it */
    });
  }

  end() {
    if (this.isClosed) return;
    this.ending = true;
    this.run(() => {
      if (!this.gone) this.res.end();
      this.resolveClosed();
    });
  }

  /** The client went away: drop whatever is queued. */
  abandon() {
    this.gone = true;
    this.resolveClosed();
  }

  private write(text: string) {
    if (this.isClosed) return;
    this.queued += text.length;
    if (this.queued > MAX_QUEUED_CHARS) {
      this.abandon();
      this.res.end();
      this.onOverflow();
      return;
    }
    this.run(async () => {
      if (!this.gone) await this.res.write(text);
      this.queued -= text.length;
    });
  }
}
