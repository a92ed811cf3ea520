import { describe, expect, it } from "vitest";
import { StdioProcess, type SessionPort } from "./stdio-process";
import type { ChannelExit, LaunchSpec, MessageChannel } from "./types";

type Json = Record<string, unknown>;

/** A stdio server seen from the host: what was written to its stdin, and a way to answer. */
class FakeChannel implements MessageChannel {
  readonly pid = 4242;
  readonly sent: Json[] = [];
  closed = false;
  private onMsg: (m: string) => void = () => {};
  private onEx: (e: ChannelExit) => void = () => {};
  send(m: string) {
    this.sent.push(JSON.parse(m));
  }
  onMessage(l: (m: string) => void) {
    this.onMsg = l;
  }
  onExit(l: (e: ChannelExit) => void) {
    this.onEx = l;
  }
  close() {
    this.closed = true;
  }
  reply(m: Json) {
    this.onMsg(JSON.stringify(m));
  }
  exit(e: ChannelExit) {
    this.onEx(e);
  }
}

class FakeSession implements SessionPort {
  readonly got: { kind: string; id?: unknown; msg: Json }[] = [];
  gone: ChannelExit | null = null;
  constructor(readonly id: string) {}
  deliverResponse(id: string | number, msg: Json) {
    this.got.push({ kind: "response", id, msg });
  }
  deliverProgress(id: string | number, msg: Json) {
    this.got.push({ kind: "progress", id, msg });
  }
  deliverServerRequest(msg: Json) {
    this.got.push({ kind: "request", msg });
  }
  deliverNotification(msg: Json) {
    this.got.push({ kind: "notification", msg });
  }
  forget(id: string | number) {
    this.got.push({ kind: "forget", id, msg: {} });
  }
  processGone(e: ChannelExit) {
    this.gone = e;
  }
}

const spec = (mode: "session" | "shared"): LaunchSpec => ({ serverId: "srv_x", orgId: "org_x", kind: "command", command: "x", args: [], cwd: null, env: {}, mode, idleTimeoutMs: 60_000, maxProcesses: 5 });

function world(mode: "session" | "shared" = "shared") {
  const channel = new FakeChannel();
  const nonJson: string[] = [];
  const proc = new StdioProcess(spec(mode), channel, () => {}, (l) => nonJson.push(l));
  const a = new FakeSession("a");
  const b = new FakeSession("b");
  proc.attach(a);
  proc.attach(b);
  return { channel, proc, a, b, nonJson };
}

describe("StdioProcess", () => {
  it("renumbers request ids so two sessions using the same id get their own answers", () => {
    const { channel, proc, a, b } = world();
    proc.fromClient(a, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo" } });
    proc.fromClient(b, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo" } });
    const [ida, idb] = channel.sent.map((m) => m.id);
    expect(ida).not.toBe(idb);
    channel.reply({ jsonrpc: "2.0", id: idb, result: { who: "b" } });
    channel.reply({ jsonrpc: "2.0", id: ida, result: { who: "a" } });
    expect(a.got).toEqual([{ kind: "response", id: 1, msg: { jsonrpc: "2.0", id: 1, result: { who: "a" } } }]);
    expect(b.got).toEqual([{ kind: "response", id: 1, msg: { jsonrpc: "2.0", id: 1, result: { who: "b" } } }]);
    expect(proc.busy).toBe(false);
  });

  it("maps progress tokens both ways and sends progress to the request's own session", () => {
    const { channel, proc, a, b } = world();
    proc.fromClient(a, { jsonrpc: "2.0", id: "x", method: "tools/call", params: { name: "long", _meta: { progressToken: 7 } } });
    proc.fromClient(b, { jsonrpc: "2.0", id: "y", method: "tools/call", params: { name: "long", _meta: { progressToken: 7 } } });
    const tokens = channel.sent.map((m) => ((m.params as Json)._meta as Json).progressToken);
    expect(new Set(tokens).size).toBe(2);
    channel.reply({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: tokens[1], progress: 1, total: 2 } });
    expect(a.got).toEqual([]);
    expect(b.got).toEqual([{ kind: "progress", id: "y", msg: { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 7, progress: 1, total: 2 } } }]);
  });

  it("initializes a shared process once: later sessions get the first result, and `initialized` is not repeated", () => {
    const { channel, proc, a, b } = world();
    proc.fromClient(a, { jsonrpc: "2.0", id: 0, method: "initialize", params: {} });
    channel.reply({ jsonrpc: "2.0", id: channel.sent[0].id, result: { serverInfo: { name: "s" } } });
    proc.fromClient(a, { jsonrpc: "2.0", method: "notifications/initialized" });
    proc.fromClient(b, { jsonrpc: "2.0", id: 0, method: "initialize", params: {} });
    proc.fromClient(b, { jsonrpc: "2.0", method: "notifications/initialized" });
    expect(channel.sent.map((m) => m.method)).toEqual(["initialize", "notifications/initialized"]);
    expect(b.got).toEqual([{ kind: "response", id: 0, msg: { jsonrpc: "2.0", id: 0, result: { serverInfo: { name: "s" } } } }]);
  });

  it("a shared process with calls of two sessions in flight: the server's request is refused, not guessed", () => {
    const { channel, proc, a, b } = world();
    proc.fromClient(a, { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
    proc.fromClient(b, { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
    channel.reply({ jsonrpc: "2.0", id: 7, method: "sampling/createMessage", params: {} });
    expect(a.got).toEqual([]);
    expect(b.got).toEqual([]);
    expect(channel.sent.at(-1)).toMatchObject({ id: 7, error: { message: expect.stringContaining("several client sessions share this process") } });
  });

  it("only the session that was asked may answer a server's request", () => {
    const { channel, proc, a, b } = world();
    proc.fromClient(a, { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
    channel.reply({ jsonrpc: "2.0", id: 8, method: "elicitation/create", params: {} });
    proc.fromClient(b, { jsonrpc: "2.0", id: 8, result: { action: "accept", content: { stolen: true } } });
    expect(channel.sent.some((m) => m.id === 8)).toBe(false);
    proc.fromClient(a, { jsonrpc: "2.0", id: 8, result: { action: "decline" } });
    expect(channel.sent.at(-1)).toEqual({ jsonrpc: "2.0", id: 8, result: { action: "decline" } });
  });

  it("sends a server's request to the session whose call is in flight, and its answer back unchanged", () => {
    const { channel, proc, a, b } = world();
    proc.fromClient(b, { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "sample" } });
    channel.reply({ jsonrpc: "2.0", id: 99, method: "sampling/createMessage", params: {} });
    expect(a.got).toEqual([]);
    expect(b.got[0]).toMatchObject({ kind: "request", msg: { id: 99, method: "sampling/createMessage" } });
    proc.fromClient(b, { jsonrpc: "2.0", id: 99, result: { content: { type: "text", text: "hi" } } });
    expect(channel.sent.at(-1)).toEqual({ jsonrpc: "2.0", id: 99, result: { content: { type: "text", text: "hi" } } });
  });

  it("renumbers a client's cancellation, stops waiting for the answer, and drops one for a request already answered", () => {
    const { channel, proc, a } = world();
    proc.fromClient(a, { jsonrpc: "2.0", id: 3, method: "tools/call", params: {} });
    const inner = channel.sent[0].id;
    proc.fromClient(a, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 3, reason: "user" } });
    expect(channel.sent[1]).toEqual({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: inner, reason: "user" } });
    expect(a.got).toEqual([{ kind: "forget", id: 3, msg: {} }]);
    expect(proc.busy).toBe(false);
    proc.fromClient(a, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 12345 } });
    expect(channel.sent).toHaveLength(2);
  });

  it("a dead process: every call in flight gets an error naming the exit, every session is told", () => {
    const { channel, proc, a, b } = world();
    proc.fromClient(a, { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
    channel.exit({ code: 1, signal: null, message: "the server process exited with code 1" });
    expect(a.got).toEqual([{ kind: "response", id: 1, msg: { jsonrpc: "2.0", id: 1, error: { code: -32002, message: "the server process exited with code 1" } } }]);
    expect(a.gone?.code).toBe(1);
    expect(b.gone?.code).toBe(1);
    expect(proc.exited).not.toBeNull();
  });

  it("a session leaving cancels its calls at the server; a per-session process stops with it", () => {
    const { channel, proc, a } = world("session");
    proc.fromClient(a, { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
    proc.detach(a);
    expect(channel.sent[1]).toMatchObject({ method: "notifications/cancelled", params: { requestId: channel.sent[0].id } });
    expect(channel.closed).toBe(true);
  });

  it("notifications that belong to no request reach every session; non-JSON lines go to the log", () => {
    const { channel, a, b, nonJson } = world();
    channel.reply({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
    expect(a.got[0].kind).toBe("notification");
    expect(b.got[0].kind).toBe("notification");
    (channel as unknown as { onMsg: (m: string) => void }).onMsg("{not json");
    expect(nonJson).toEqual(["{not json"]);
  });
});
