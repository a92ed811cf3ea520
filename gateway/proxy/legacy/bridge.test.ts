import { describe, expect, it } from "vitest";
import { LegacyRequestStream } from "./request-stream";
import { SseOut } from "./sse-out";
import { exchangeFor, newBridge, recordingResponse, tick } from "./testing";
import type { JsonRpcRequest } from "../jsonrpc";

// How a legacy bridge routes what its single upstream stream carries to the client's streams.
const call = (id: number, progressToken?: string): JsonRpcRequest => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: {}, ...(progressToken ? { _meta: { progressToken } } : {}) },
});

function openStream(bridge: ReturnType<typeof newBridge>["bridge"], requests: JsonRpcRequest[], deadline = Date.now() + 60_000) {
  const client = recordingResponse();
  const { ex, events } = exchangeFor(...requests.map((r) => r.id));
  const stream = new LegacyRequestStream(new SseOut(client.res), ex, null);
  const refused = bridge.attach(stream, requests);
  stream.begin({ "mcp-session-id": "tok" }, deadline);
  return { client, stream, refused, audit: events };
}

describe("LegacyBridge", () => {
  it("answers each request on the stream that sent it, settles it, and ends the stream when all are answered", async () => {
    const { bridge, upstream } = newBridge();
    const a = openStream(bridge, [call(1), call(2)]);
    const b = openStream(bridge, [call(3)]);
    upstream.message({ jsonrpc: "2.0", id: 3, result: { content: [] } });
    upstream.message({ jsonrpc: "2.0", id: 2, result: { content: [] } });
    await b.stream.done;
    expect(b.client.messages().map((m) => m.id)).toEqual([3]);
    expect(b.client.r).toMatchObject({ status: 200, ended: true, headers: { "content-type": "text/event-stream", "mcp-session-id": "tok" } });
    expect(a.client.r.ended).toBe(false);
    upstream.message({ jsonrpc: "2.0", id: 1, result: { content: [] } });
    await a.stream.done;
    expect(a.client.messages().map((m) => m.id)).toEqual([2, 1]);
    expect(a.audit.map((e) => [e.requestId, e.decision, e.message])).toEqual([
      ["2", "allow", null],
      ["1", "allow", null],
    ]);
  });

  it("sends progress to the stream whose request set the token, and server requests to the oldest open stream", async () => {
    const { bridge, upstream } = newBridge();
    const first = openStream(bridge, [call(1, "p1")]);
    const second = openStream(bridge, [call(2, "p2")]);
    upstream.message({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: "p2", progress: 1 } });
    upstream.message({ jsonrpc: "2.0", id: 0, method: "sampling/createMessage", params: {} });
    upstream.message({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: "p1", progress: 1 } });
    upstream.message({ jsonrpc: "2.0", id: 1, result: {} });
    upstream.message({ jsonrpc: "2.0", id: 2, result: {} });
    await Promise.all([first.stream.done, second.stream.done]);
    expect(first.client.messages().map((m) => m.method ?? m.id)).toEqual(["sampling/createMessage", "notifications/progress", 1]);
    expect(second.client.messages().map((m) => m.method ?? m.id)).toEqual(["notifications/progress", 2]);
  });

  it("keeps messages that belong to no request until the client listens, then streams them live", async () => {
    const { bridge, upstream } = newBridge();
    upstream.message({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
    upstream.message({ jsonrpc: "2.0", id: 7, method: "roots/list" });
    await tick();
    const listener = recordingResponse();
    const out = new SseOut(listener.res);
    out.start({});
    bridge.listen(out);
    upstream.message({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "x" } });
    await tick();
    expect(listener.messages().map((m) => m.method)).toEqual(["notifications/tools/list_changed", "roots/list", "notifications/message"]);
    expect(bridge.busy).toBe(true);
    bridge.unlisten(out);
    expect(bridge.busy).toBe(false);
  });

  it("refuses a request whose id is already pending in the session", async () => {
    const { bridge } = newBridge();
    openStream(bridge, [call(1)]);
    const dup = openStream(bridge, [call(1), call(2)]);
    expect([...dup.refused].map((r) => r.id)).toEqual([1]);
  });

  it("a cancelled request ends its stream with no answer, and keeps its quota", async () => {
    const { bridge, upstream } = newBridge();
    const s = openStream(bridge, [call(5)]);
    bridge.cancelled(5);
    await s.stream.done;
    expect(s.client.messages()).toEqual([]);
    expect(s.audit[0].message).toBe("upstream error: cancelled by the client");
    upstream.message({ jsonrpc: "2.0", id: 5, result: {} }); // late: nobody waits for it any more
    await tick();
    expect(s.client.messages()).toEqual([]);
  });

  it("when the upstream stream ends, every pending request gets an error and the bridge closes", async () => {
    const { bridge, upstream } = newBridge();
    let closed = 0;
    bridge.onClose = () => void closed++;
    const s = openStream(bridge, [call(1), call(2)]);
    upstream.message({ jsonrpc: "2.0", id: 1, result: {} });
    upstream.end();
    await s.stream.done;
    expect(s.client.messages()).toEqual([
      { jsonrpc: "2.0", id: 1, result: {} },
      { jsonrpc: "2.0", id: 2, error: { code: -32002, message: "the upstream server closed the legacy SSE stream" } },
    ]);
    expect(bridge.isClosed).toBe(true);
    expect(closed).toBe(1);
    expect((await bridge.send({ jsonrpc: "2.0", method: "x" })).ok).toBe(false);
  });

  it("requests still unanswered at the deadline get a timeout error", async () => {
    const { bridge } = newBridge();
    const s = openStream(bridge, [call(1)], Date.now() + 10);
    await s.stream.done;
    expect(s.client.messages()).toEqual([{ jsonrpc: "2.0", id: 1, error: { code: -32001, message: "the upstream server did not answer in time" } }]);
    expect(s.audit[0].message).toBe("upstream error: the upstream server did not answer in time");
  });

  it("a client that goes away stops the writes; its calls keep their quota", async () => {
    const { bridge, upstream } = newBridge();
    const s = openStream(bridge, [call(1)]);
    s.stream.abandon();
    upstream.message({ jsonrpc: "2.0", id: 1, result: {} });
    await s.stream.done;
    await tick();
    expect(s.client.messages()).toEqual([]);
    expect(s.audit[0].message).toBe("upstream error: the client went away");
    expect(bridge.busy).toBe(false);
  });
});
