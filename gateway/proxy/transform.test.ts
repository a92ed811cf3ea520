import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../ratelimit";
import type { AuditEvent, GrantRecord, UpstreamConfig } from "../ports";
import type { GatewayResponse } from "../http/io";
import { Exchange } from "./exchange";
import { relaySse, transformJson } from "./transform";
import type { Decision } from "../policy";

// The gateway's treatment of broken upstream answers: whatever the upstream sends, every
// forwarded request ends with a response (the upstream's, or the gateway's error).
const grant: GrantRecord = { id: "g1", orgId: "o1", serverId: "s1", label: "t", metadata: {}, policyId: null, auditArgumentValues: false };
const server: UpstreamConfig = { serverId: "s1", orgId: "o1", url: "http://127.0.0.1:1/mcp", transport: "auto", headers: {}, policyId: null };
const allow = { effect: "allow", rule: null, message: "", reason: "", limits: [] } as unknown as Decision;

function exchangeWith(...ids: (string | number)[]) {
  const events: AuditEvent[] = [];
  const ex = new Exchange({ grant, server, sessionId: null, policy: null }, { record: (e) => events.push(e) }, new MemoryRateLimiter());
  for (const id of ids) {
    ex.forwardedIds.push(id);
    ex.track({ kind: "call", id, tool: "t", args: {}, decision: allow, reservation: null, startedAt: performance.now() });
  }
  return { ex, events };
}

describe("transformJson", () => {
  it.each([
    ["<html>502</html>", /invalid JSON/],
    ["", /empty body/],
    ['{"jsonrpc":"2.0","id":7,"res', /invalid JSON/],
    ["42", /did not include a response/],
  ])("answers %j with an error for the forwarded request, and audits it", async (body, reason) => {
    const { ex, events } = exchangeWith(7);
    const out = JSON.parse(await transformJson(body, ex, null));
    expect(out).toMatchObject({ jsonrpc: "2.0", id: 7, error: { code: -32002, message: expect.stringMatching(reason) } });
    expect(events).toHaveLength(1);
    expect(events[0].message).toMatch(/^upstream error: /);
  });

  it("an answer to another request is kept, and the missing one gets an error", async () => {
    const { ex } = exchangeWith(7);
    const out = JSON.parse(await transformJson('{"jsonrpc":"2.0","id":"other","result":{}}', ex, null));
    expect(out).toEqual([
      { jsonrpc: "2.0", id: "other", result: {} },
      { jsonrpc: "2.0", id: 7, error: { code: -32002, message: "the upstream server's answer did not include a response to this request" } },
    ]);
  });

  it("keeps the responses that did arrive and adds errors for the missing ones", async () => {
    const { ex } = exchangeWith(1, 2);
    const out = JSON.parse(await transformJson('[{"jsonrpc":"2.0","id":1,"result":{"content":[]}}, "junk"]', ex, null));
    expect(out).toEqual([
      { jsonrpc: "2.0", id: 1, result: { content: [] } },
      { jsonrpc: "2.0", id: 2, error: { code: -32002, message: "the upstream server's answer did not include a response to this request" } },
    ]);
  });

  it("passes a complete answer on byte for byte", async () => {
    const { ex, events } = exchangeWith(1);
    const body = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"ok"}]}}';
    expect(await transformJson(body, ex, null)).toBe(body);
    expect(events[0].message).toBeNull();
  });
});

describe("relaySse", () => {
  async function relay(chunks: string[], ex: Exchange, deadlineMs = 5000) {
    const upstream = new PassThrough();
    let out = "";
    const res = { started: true, start() {}, write: async (c: string | Uint8Array) => void (out += c), end: (c?: string | Uint8Array) => void (out += c ?? ""), pipeFrom: async () => {} } as GatewayResponse;
    const done = relaySse(upstream as unknown as IncomingMessage, res, ex, null, Date.now() + deadlineMs);
    for (const c of chunks) upstream.write(c);
    upstream.end();
    await done;
    return out;
  }

  it("a stream cut inside the response event: the partial event is dropped, an error event follows", async () => {
    const { ex } = exchangeWith(7);
    const out = await relay(['event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n', 'event: message\ndata: {"jsonrpc":"2.0","id":7,"res'], ex);
    expect(out).toBe(
      'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n' +
        'event: message\ndata: {"jsonrpc":"2.0","id":7,"error":{"code":-32002,"message":"the upstream server closed the stream before answering"}}\n\n',
    );
  });

  it("a stream with event ids that ends early is left for the client to resume (SSE polling)", async () => {
    const { ex, events } = exchangeWith(7);
    const out = await relay(["id: ev-1\nretry: 100\ndata: \n\n"], ex);
    expect(out).toBe("id: ev-1\nretry: 100\ndata: \n\n");
    expect(events[0].message).toMatch(/client may resume/);
  });

  it("settles each response of a batch sent as one event", async () => {
    const { ex, events } = exchangeWith(1, 2);
    const batch = 'data: [{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","id":2,"result":{"isError":true}}]\n\n';
    expect(await relay([batch], ex)).toBe(batch);
    expect(events.map((e) => e.message)).toEqual([null, "upstream error: the tool reported an error (isError)"]);
  });

  it("each progress notification starts the timeout again: a long call that reports progress is not cut off", async () => {
    const { ex, events } = exchangeWith(1);
    const upstream = new PassThrough();
    let out = "";
    const res = { started: true, start() {}, write: async (c: string | Uint8Array) => void (out += c), end: () => {}, pipeFrom: async () => {} } as GatewayResponse;
    const done = relaySse(upstream as unknown as IncomingMessage, res, ex, null, Date.now() + 150);
    for (let i = 1; i <= 5; i++) {
      await new Promise((r) => setTimeout(r, 80));
      upstream.write(`data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":${i}}}\n\n`);
    }
    upstream.end('data: {"jsonrpc":"2.0","id":1,"result":{"content":[]}}\n\n');
    await done;
    expect(out).not.toContain("error");
    expect(out).toContain('"id":1,"result"');
    expect(events[0].message).toBeNull();
  });

  it("at the deadline, answers what is missing with a timeout error", async () => {
    const { ex } = exchangeWith(1);
    const upstream = new PassThrough();
    let out = "";
    const res = { started: true, start() {}, write: async (c: string | Uint8Array) => void (out += c), end: () => {}, pipeFrom: async () => {} } as GatewayResponse;
    await relaySse(upstream as unknown as IncomingMessage, res, ex, null, Date.now() + 50);
    expect(out).toContain('"id":1,"error":{"code":-32001,"message":"the upstream server did not answer in time"}');
  });
});
