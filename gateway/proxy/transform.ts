import type { IncomingMessage } from "node:http";
import { filterToolList, type CompiledPolicy } from "../policy";
import type { GatewayResponse } from "../http/io";
import { classifyAnswer, errorResponse, idKey, UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE } from "./jsonrpc";
import type { Exchange } from "./exchange";
import { SseSplitter, serializeEvent } from "./sse";
import { answerAsTool } from "../enforce/unknown-tool";
import { namedTools } from "../inventory/definition";

// What the gateway changes in upstream answers: hidden tools removed from tools/list results,
// and nothing else. Everything else is passed on as the upstream wrote it. On the way, the
// answers to forwarded tools/call requests settle their quota and write their audit events.

/**
 * Applies the gateway's view to one upstream JSON-RPC message; returns it changed, or null if
 * unchanged. Exported for the legacy HTTP+SSE bridge, which receives messages one at a time.
 */
export async function inspect(message: unknown, exchange: Exchange, policy: CompiledPolicy | null): Promise<unknown | null> {
  const m = classifyAnswer(message);
  if (m.kind !== "response") return null;
  const key = idKey(m.msg.id);
  const call = exchange.calls.get(key);
  if (call) {
    await exchange.settle(m.msg.id, m.msg);
    // A hidden or unknown tool's stand-in call: the server's answer, told as the tool's.
    return call.probe ? answerAsTool(m.msg, call.probe, call.tool) : null;
  }
  const list = exchange.tracked.get(key);
  if (list) await exchange.settle(m.msg.id, m.msg);
  return filterToolsAnswer(m.msg, exchange, policy, list?.kind === "list" && !list.paged);
}

/**
 * Any answer that carries a list of tools (the answer to a tools/list, whether tracked, repeated
 * or replayed on a resumed stream) is told without the tools the agent may not see: hidden by
 * policy, or drifted from the pinned inventory (gateway/inventory/drift-guard.ts). Null when
 * nothing is removed.
 */
export async function filterToolsAnswer(msg: { result?: unknown }, exchange: Exchange, policy: CompiledPolicy | null, firstPage: boolean): Promise<unknown | null> {
  const result = msg.result as { tools?: unknown; nextCursor?: unknown } | undefined;
  if (!result || typeof result !== "object" || !Array.isArray(result.tools)) return null;
  const named = namedTools(result.tools);
  let kept = policy ? filterToolList(policy, named) : named;
  if (exchange.drift) {
    const complete = firstPage && (result.nextCursor === undefined || result.nextCursor === null || result.nextCursor === "");
    const withheld = await exchange.drift.withheld(exchange.scope.server.serverId, kept, complete);
    if (withheld.size > 0) kept = kept.filter((t) => !withheld.has(t.name));
  }
  if (kept.length === result.tools.length) return null;
  return { ...msg, result: { ...result, tools: kept } };
}

/** A JSON answer: read whole (it is one message or a batch), inspected, merged with local answers. */
export async function transformJson(text: string, exchange: Exchange, policy: CompiledPolicy | null): Promise<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Garbage (an HTML error page, a cut body, nothing at all): passing it on would leave the
    // client waiting for answers that never come. Every forwarded request gets an error instead.
    const reason = text.trim() === "" ? "the upstream server answered with an empty body" : "the upstream server answered with invalid JSON";
    return unanswered(exchange, [], false, reason);
  }
  const batch = Array.isArray(parsed);
  const messages = batch ? (parsed as unknown[]) : [parsed];
  const answered = new Set<string>();
  let changed = false;
  for (let i = 0; i < messages.length; i++) {
    noteAnswered(messages[i], answered);
    const next = await inspect(messages[i], exchange, policy);
    if (next !== null) (messages[i] = next), (changed = true);
  }
  if (exchange.forwardedIds.some((id) => !answered.has(idKey(id)))) {
    // Items that are not JSON-RPC messages would make clients reject the whole batch, and with
    // them the errors that say what went wrong: only real messages are kept.
    return unanswered(exchange, messages.filter((m) => classifyAnswer(m).kind !== "invalid"), batch, "the upstream server's answer did not include a response to this request", answered);
  }
  await exchange.failPending("the upstream answer did not include a response to this request");
  if (exchange.localResponses.length === 0 && !changed) return text;
  const all = [...messages, ...exchange.localResponses];
  return JSON.stringify(all.length === 1 && !batch ? all[0] : all);
}

/** The answer when some forwarded requests got none: what did arrive, local answers, and an error for each of the others. */
async function unanswered(exchange: Exchange, kept: unknown[], batch: boolean, reason: string, answered = new Set<string>()): Promise<string> {
  const errors = exchange.forwardedIds.filter((id) => !answered.has(idKey(id))).map((id) => errorResponse(id, UPSTREAM_UNAVAILABLE, reason));
  await exchange.failPending(reason);
  const all = [...kept, ...exchange.localResponses, ...errors];
  return JSON.stringify(all.length === 1 && !batch ? all[0] : all);
}

/** Notes the id of a response (or of each response in a batch): added to `ids`, or removed with `remove`. */
function noteAnswered(message: unknown, ids: Set<string>, remove = false) {
  if (Array.isArray(message)) return message.forEach((m) => noteAnswered(m, ids, remove));
  const m = classifyAnswer(message);
  if (m.kind !== "response" || m.msg.id === null) return;
  if (remove) ids.delete(idKey(m.msg.id));
  else ids.add(idKey(m.msg.id));
}

/**
 * An SSE answer, streamed: local answers first, then every upstream event as it comes, byte
 * for byte unless it is a tools/list result with hidden tools. If forwarded requests are still
 * unanswered at the deadline, or when the stream ends without their answers, each gets an
 * error event and the stream ends, so the client is never left waiting. The exception is a
 * stream the client can resume (it carried event ids): it may have been closed on purpose
 * (SSE polling, SEP-1699) and the answers will come on the resumed stream.
 */
export async function relaySse(upstream: IncomingMessage, res: GatewayResponse, exchange: Exchange, policy: CompiledPolicy | null, deadline: number) {
  for (const local of exchange.localResponses) await res.write(serializeEvent({ event: "message" }, JSON.stringify(local)));
  const splitter = new SseSplitter();
  const state: StreamState = { waiting: new Set(exchange.forwardedIds.map(idKey)), resumable: false, progressed: false };
  // The timeout is on silence, as the SDK's own resetTimeoutOnProgress: each progress
  // notification starts it again (with what was left of it when the stream began), so a long
  // call that keeps reporting progress runs to its end while a silent one is cut off.
  const window = Math.max(0, deadline - Date.now());
  const expire = () => upstream.destroy(new Error("deadline"));
  let timer = setTimeout(expire, window);
  let timedOut = false;
  upstream.once("error", (e) => (timedOut = e.message === "deadline"));
  upstream.setEncoding("utf8");
  try {
    for await (const chunk of upstream) {
      for (const ev of splitter.push(chunk as string)) await res.write(await rewriteEvent(ev, exchange, policy, state));
      if (state.progressed) {
        state.progressed = false;
        clearTimeout(timer);
        timer = setTimeout(expire, window);
      }
    }
  } catch {
    /* upstream ended abnormally: handled below */
  } finally {
    clearTimeout(timer);
  }
  const missing = exchange.forwardedIds.filter((id) => state.waiting.has(idKey(id)));
  const rest = splitter.rest();
  if (missing.length === 0 || (state.resumable && !timedOut)) {
    // An unterminated last event is never dispatched by SSE clients; passed on as it came.
    if (rest) await res.write(rest);
    await exchange.failPending("the upstream server closed the stream before answering; the client may resume it");
    return res.end();
  }
  // The unterminated rest is dropped: written before the error events, it would merge with the
  // first of them into one broken event.
  const reason = timedOut ? "the upstream server did not answer in time" : "the upstream server closed the stream before answering";
  const code = timedOut ? UPSTREAM_TIMEOUT : UPSTREAM_UNAVAILABLE;
  for (const id of missing) await res.write(serializeEvent({ event: "message" }, JSON.stringify(errorResponse(id, code, reason))));
  await exchange.failPending(reason);
  res.end();
}

interface StreamState {
  /** Keys of the forwarded requests whose response has not been seen yet. */
  waiting: Set<string>;
  /** Whether a complete event carried an id (the client can resume with Last-Event-ID). */
  resumable: boolean;
  /** A progress notification went by since the timeout was last started. */
  progressed: boolean;
}

async function rewriteEvent(ev: { raw: string; data?: string; id?: string; event?: string }, exchange: Exchange, policy: CompiledPolicy | null, state: StreamState): Promise<string> {
  if (ev.id) state.resumable = true;
  // Nothing left to inspect or to wait for: the rest streams through unparsed.
  if (ev.data === undefined || (exchange.tracked.size === 0 && state.waiting.size === 0)) return ev.raw;
  let message: unknown;
  try {
    message = JSON.parse(ev.data);
  } catch {
    return ev.raw;
  }
  noteAnswered(message, state.waiting, true);
  if ((message as { method?: unknown }).method === "notifications/progress") state.progressed = true;
  if (Array.isArray(message)) {
    // A batch of responses in one event (protocol 2025-03-26): each one settles and is filtered.
    let changed = false;
    const out: unknown[] = [];
    for (const m of message) {
      const next = await inspect(m, exchange, policy);
      out.push(next ?? m);
      changed ||= next !== null;
    }
    return changed ? serializeEvent(ev, JSON.stringify(out)) : ev.raw;
  }
  const next = await inspect(message, exchange, policy);
  return next === null ? ev.raw : serializeEvent(ev, JSON.stringify(next));
}
