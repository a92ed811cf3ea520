import type { GatewayResponse } from "../../http/io";
import { MemoryRateLimiter } from "../../ratelimit";
import type { AuditEvent, GrantRecord, UpstreamConfig } from "../../ports";
import type { Decision } from "../../policy";
import { Exchange } from "../exchange";
import type { JsonRpcId } from "../jsonrpc";
import { LegacyBridge } from "./bridge";
import type { SseEvent } from "../sse";

// Fakes for the legacy bridge's unit tests: an upstream stream the test feeds event by event,
// and a client response that records what it was sent.

export const grant: GrantRecord = { id: "g1", orgId: "o1", serverId: "s1", label: "t", metadata: {}, policyId: null, auditArgumentValues: false };
export const server: UpstreamConfig = { serverId: "s1", orgId: "o1", url: "http://127.0.0.1:1/sse", transport: "sse", headers: {}, policyId: null };
const allow = { effect: "allow", rule: null, message: "", reason: "", limits: [] } as unknown as Decision;

export function feed() {
  const queue: SseEvent[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let closed = 0;
  const events: AsyncIterable<SseEvent> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) yield queue.shift()!;
        else if (ended) return;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  };
  const poke = () => (wake?.(), (wake = null));
  return {
    stream: { endpoint: new URL("http://127.0.0.1:1/message?sessionId=x"), events, close: () => void (closed++, (ended = true), poke()) },
    message: (msg: unknown) => (queue.push({ raw: "", event: "message", data: JSON.stringify(msg) }), poke()),
    end: () => ((ended = true), poke()),
    closedCount: () => closed,
  };
}

export function newBridge(id = "tg-legacy.test", now: () => number = Date.now) {
  const upstream = feed();
  const bridge = new LegacyBridge({ id, grantId: grant.id, serverId: server.serverId }, upstream.stream, {}, 1000, now);
  bridge.start();
  return { bridge, upstream };
}

export function recordingResponse() {
  const r = { status: 0, headers: {} as Record<string, string>, body: "", ended: false };
  const res: GatewayResponse = {
    get started() {
      return r.status !== 0;
    },
    start: (status, headers) => void ((r.status = status), (r.headers = headers)),
    write: async (chunk) => void (r.body += String(chunk)),
    end: (chunk) => void ((r.body += chunk === undefined ? "" : String(chunk)), (r.ended = true)),
    pipeFrom: async () => {},
  };
  /** The JSON-RPC messages sent so far, in order. */
  const messages = () => r.body.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
  return { res, r, messages };
}

/** An exchange with tools/call requests tracked, as post.ts leaves it after the policy allowed them. */
export function exchangeFor(...calls: JsonRpcId[]) {
  const events: AuditEvent[] = [];
  const ex = new Exchange({ grant, server, sessionId: null, policy: null }, { record: (e) => events.push(e) }, new MemoryRateLimiter());
  for (const id of calls) {
    ex.forwardedIds.push(id);
    ex.track({ kind: "call", id, tool: "echo", args: {}, decision: allow, reservation: null, startedAt: performance.now() });
  }
  return { ex, events };
}

export const tick = () => new Promise((r) => setTimeout(r, 5));
