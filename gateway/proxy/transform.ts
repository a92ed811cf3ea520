import type { IncomingMessage } from "node:http";
import { filterToolList, type CompiledPolicy } from "../policy";
import type { GatewayResponse } from "../http/io";
import { classify, errorResponse, idKey, UPSTREAM_TIMEOUT } from "./jsonrpc";
import type { Exchange } from "./exchange";
import { SseSplitter, serializeEvent } from "./sse";

// What the gateway changes in upstream answers: hidden tools removed from tools/list results,
// and nothing else. Everything else is passed on as the upstream wrote it. On the way, the
// answers to forwarded tools/call requests settle their quota and write their audit events.

/** Applies the gateway's view to one upstream JSON-RPC message; returns it changed, or null if unchanged. */
async function inspect(message: unknown, exchange: Exchange, policy: CompiledPolicy | null): Promise<unknown | null> {
  const m = classify(message);
  if (m.kind !== "response") return null;
  const tracked = exchange.tracked.get(idKey(m.msg.id));
  if (!tracked) return null;
  if (tracked.kind === "call") {
    await exchange.settle(m.msg.id, m.msg);
    return null;
  }
  await exchange.settle(m.msg.id, m.msg);
  const result = m.msg.result as { tools?: unknown } | undefined;
  if (!policy || !result || !Array.isArray(result.tools)) return null;
  const tools = result.tools.filter((t): t is { name: string } => typeof t === "object" && t !== null && typeof (t as { name?: unknown }).name === "string");
  const kept = filterToolList(policy, tools);
  if (kept.length === result.tools.length) return null;
  return { ...m.msg, result: { ...result, tools: kept } };
}

/** A JSON answer: read whole (it is one message or a batch), inspected, merged with local answers. */
export async function transformJson(text: string, exchange: Exchange, policy: CompiledPolicy | null): Promise<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    await exchange.failPending("the upstream answered with invalid JSON");
    return text;
  }
  const batch = Array.isArray(parsed);
  const messages = batch ? (parsed as unknown[]) : [parsed];
  let changed = false;
  for (let i = 0; i < messages.length; i++) {
    const next = await inspect(messages[i], exchange, policy);
    if (next !== null) (messages[i] = next), (changed = true);
  }
  await exchange.failPending("the upstream answer did not include a response to this request");
  if (exchange.localResponses.length === 0 && !changed) return text;
  const all = [...messages, ...exchange.localResponses];
  return JSON.stringify(all.length === 1 && !batch ? all[0] : all);
}

/**
 * An SSE answer, streamed: local answers first, then every upstream event as it comes, byte
 * for byte unless it is a tools/list result with hidden tools. If forwarded calls are still
 * unanswered at the deadline, each gets a timeout error event and the stream ends.
 */
export async function relaySse(upstream: IncomingMessage, res: GatewayResponse, exchange: Exchange, policy: CompiledPolicy | null, deadline: number) {
  for (const local of exchange.localResponses) await res.write(serializeEvent({ event: "message" }, JSON.stringify(local)));
  const splitter = new SseSplitter();
  const timer = setTimeout(() => upstream.destroy(new Error("deadline")), Math.max(0, deadline - Date.now()));
  let timedOut = false;
  upstream.once("error", (e) => (timedOut = e.message === "deadline"));
  upstream.setEncoding("utf8");
  try {
    for await (const chunk of upstream) {
      for (const ev of splitter.push(chunk as string)) await res.write(await rewriteEvent(ev, exchange, policy));
    }
  } catch {
    /* upstream ended abnormally: handled below */
  } finally {
    clearTimeout(timer);
  }
  const rest = splitter.rest();
  if (rest) await res.write(rest);
  if (timedOut) {
    for (const id of exchange.pendingCallIds()) {
      await res.write(serializeEvent({ event: "message" }, JSON.stringify(errorResponse(id, UPSTREAM_TIMEOUT, "the upstream server did not answer in time"))));
    }
  }
  await exchange.failPending(timedOut ? "timeout" : "the upstream closed the stream before answering");
  res.end();
}

async function rewriteEvent(ev: { raw: string; data?: string; id?: string; event?: string }, exchange: Exchange, policy: CompiledPolicy | null): Promise<string> {
  if (ev.data === undefined || exchange.tracked.size === 0) return ev.raw;
  let message: unknown;
  try {
    message = JSON.parse(ev.data);
  } catch {
    return ev.raw;
  }
  const next = await inspect(message, exchange, policy);
  return next === null ? ev.raw : serializeEvent(ev, JSON.stringify(next));
}
