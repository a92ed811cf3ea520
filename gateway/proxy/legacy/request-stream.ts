import type { CompiledPolicy } from "../../policy";
import { errorResponse, idKey, UPSTREAM_TIMEOUT, type JsonRpcId } from "../jsonrpc";
import type { Exchange } from "../exchange";
import { inspect } from "../transform";
import type { SseOut } from "./sse-out";

// The answer to one client POST that carried requests, through a legacy bridge: an SSE stream
// that gets the upstream's response to each of its requests (inspected exactly as on the
// Streamable HTTP path: tools/call settled and audited, tools/list filtered), and the messages
// the bridge relates to them. It ends when every request is answered, failed or cancelled, or
// when the upstream timeout passes.

export class LegacyRequestStream {
  private readonly pending = new Map<string, JsonRpcId>();
  private begun = false;
  private finished = false;
  private timer: NodeJS.Timeout | undefined;
  private resolveDone!: () => void;
  /** Settles when the stream is over (answered, failed, or the client went away). */
  readonly done = new Promise<void>((r) => (this.resolveDone = r));
  /** Called once when the stream is over, so the bridge forgets its routes. */
  onFinish: () => void = () => {};

  constructor(
    private readonly out: SseOut,
    private readonly exchange: Exchange,
    private readonly policy: CompiledPolicy | null,
  ) {}

  expect(id: JsonRpcId) {
    this.pending.set(idKey(id), id);
  }

  get isOpen(): boolean {
    return !this.finished;
  }

  /** Starts the client's answer: headers, then the gateway's own answers (policy denials). */
  begin(headers: Record<string, string>, deadline: number) {
    this.begun = true;
    this.out.start(headers);
    for (const local of this.exchange.localResponses) this.out.message(JSON.stringify(local));
    this.timer = setTimeout(() => this.failAll(UPSTREAM_TIMEOUT, "the upstream server did not answer in time"), Math.max(0, deadline - Date.now()));
    this.finishIfAnswered();
  }

  /** The upstream's response to one of this stream's requests, as received (json). */
  response(msg: { id: JsonRpcId | null; result?: unknown; error?: unknown }, json: string) {
    if (!this.pending.delete(idKey(msg.id))) return;
    this.out.messageFrom(async () => {
      const changed = await inspect(msg, this.exchange, this.policy);
      return changed === null ? json : JSON.stringify(changed);
    });
    this.finishIfAnswered();
  }

  /** A message the bridge relates to this stream's requests (progress, a server request). */
  related(json: string) {
    if (!this.finished) this.out.message(json);
  }

  /** One request could not be delivered (so it did not run): the client gets a JSON-RPC error for it. */
  failRequest(id: JsonRpcId, code: number, message: string) {
    this.pending.delete(idKey(id));
    this.out.message(JSON.stringify(errorResponse(id, code, message)));
    this.out.run(() => this.exchange.settle(id, null, { reason: message, notRun: true }));
    this.finishIfAnswered();
  }

  /**
   * The client cancelled a request: no answer will come. Its quota is kept, as when the client
   * goes away: the upstream may have done the work, and a call that could be started and
   * cancelled for free would escape its rate limit.
   */
  cancel(id: JsonRpcId) {
    if (!this.pending.delete(idKey(id))) return;
    this.out.run(() => this.exchange.settle(id, null, { reason: "cancelled by the client", notRun: false }));
    this.finishIfAnswered();
  }

  /** Every request still pending fails (timeout, upstream gone). */
  failAll(code: number, message: string) {
    if (this.finished) return;
    for (const id of this.pending.values()) this.out.message(JSON.stringify(errorResponse(id, code, message)));
    this.pending.clear();
    this.out.run(() => this.exchange.failPending(message));
    this.finish();
  }

  /** The client went away: nothing more is written; quota is kept (the upstream may still run the calls). */
  abandon() {
    if (this.finished) return;
    this.pending.clear();
    this.out.abandon();
    this.out.run(() => this.exchange.failPending("the client went away"));
    this.finish();
  }

  private finishIfAnswered() {
    if (this.pending.size === 0 && this.begun) this.finish();
  }

  private finish() {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.onFinish();
    this.out.end();
    this.out.run(() => this.resolveDone());
  }
}
