import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../../tests/helpers/stdio-servers";
import WebSocket from "ws";
import { ConnectorHub, type ConnectorAuthority } from "./connector-hub";
import type { LaunchSpec, MessageChannel } from "./types";
import { MALFORMED_CONNECTOR_FRAMES } from "../../tests/fixtures/malformed-connector-frames";

// The hub in-process behind a real HTTP server, with a fake key store; peers are raw sockets and
// ws clients. Anything a peer does that throws in the hub is an uncaught exception, which fails
// this run (and would have ended Toolgate).
const SERVER = "srv_1";
const spec = { serverId: SERVER } as LaunchSpec;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(opts: { verifyMs?: number; stillValid?: () => Promise<boolean>; heartbeatMs?: number; closeConfirmMs?: number } = {}) {
  const authority: ConnectorAuthority = {
    async verify(key) {
      await new Promise((r) => setTimeout(r, opts.verifyMs ?? 0));
      return key === "tgc_good" ? { keyId: "k1", serverId: SERVER, orgId: "o", serverName: "laptop" } : null;
    },
    stillValid: opts.stillValid ?? (async () => true),
    async seen() {},
  };
  const hub = new ConnectorHub(authority, opts.heartbeatMs ?? 60_000, { closeConfirmMs: opts.closeConfirmMs });
  const server = http.createServer((_req, res) => res.end("ok"));
  server.on("upgrade", (req, socket, head) => void hub.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(() => new Promise((r) => server.close(r)), () => server.closeAllConnections(), () => hub.close());
  return { hub, port, url: `ws://127.0.0.1:${port}/connect` };
}

const answers = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`)).text();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function upgradeRequest(port: number, key: string) {
  return [
    "GET /connect HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    `Authorization: Bearer ${key}`,
    "",
    "",
  ].join("\r\n");
}

async function connector(url: string) {
  const ws = new WebSocket(url, { headers: { authorization: "Bearer tgc_good" } });
  const frames: { t: string; ch?: string }[] = [];
  ws.on("message", (d) => frames.push(JSON.parse(String(d))));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on("close", (code, reason) => r({ code, reason: reason.toString() })));
  ws.on("error", () => {});
  await new Promise((r) => ws.once("open", r));
  cleanups.push(() => ws.terminate());
  return { ws, frames, closed, sendJson: (f: unknown) => ws.send(typeof f === "string" ? f : JSON.stringify(f)) };
}


describe("connector hub: the /connect upgrade", () => {
  it("survives clients that reset the connection during the key lookup or the 401", async () => {
    const { port } = await start({ verifyMs: 30 });
    for (let i = 0; i < 10; i++) {
      const s = net.connect(port, "127.0.0.1");
      s.on("error", () => {});
      await new Promise((r) => s.once("connect", r));
      s.write(upgradeRequest(port, i % 2 ? "tgc_x" : "tgc_good"));
      await sleep(5);
      s.resetAndDestroy();
    }
    await sleep(100);
    expect(await answers(port)).toBe("ok");
  });

  it("answers an unknown key with 401 and closes the socket itself (a client that never closes does not hold it)", async () => {
    const { port } = await start();
    const s = net.connect(port, "127.0.0.1");
    s.setEncoding("utf8");
    let got = "";
    s.on("data", (d) => (got += d));
    const ended = new Promise((r) => s.once("end", r));
    s.write(upgradeRequest(port, "tgc_x"));
    await ended;
    expect(got).toMatch(/^HTTP\/1.1 401/);
    expect(got).toContain("the connector key is unknown or revoked");
    s.destroy();
  });
});

describe("connector hub: frames from a connector", () => {
  it("drops malformed frames (wrong types, over-long strings, garbage) and stays up; the connection keeps working", async () => {
    const { hub, port, url } = await start();
    const c = await connector(url);
    for (const bad of MALFORMED_CONNECTOR_FRAMES) {
      c.sendJson(bad);
    }
    c.sendJson({ t: "hello", version: 1, command: "npx", args: ["server"], hostname: "laptop" });
    await until("the hello", async () => hub.status(SERVER).command === "npx server");
    // An `opened` for a channel never asked for is closed on the connector's side.
    expect(c.frames).toContainEqual({ t: "close", ch: "never-asked" });
    expect(hub.status(SERVER)).toMatchObject({ online: true, hostname: "laptop" });
    expect(await answers(port)).toBe("ok");
  });

  it("a hello of another version is closed with 4400 and a reason of at most 123 bytes", async () => {
    const { url } = await start();
    const c = await connector(url);
    c.sendJson({ t: "hello", version: 1e15 });
    const { code, reason } = await c.closed;
    expect(code).toBe(4400);
    expect(reason).toMatch(/^unsupported connector protocol version/);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
  });

  it("closes a connection that keeps sending garbage (4400)", async () => {
    const { url } = await start();
    const c = await connector(url);
    for (let i = 0; i < 25; i++) c.sendJson(`{bad ${i}`);
    expect(await c.closed).toEqual({ code: 4400, reason: "too many invalid frames" });
  });

  it("survives frames ws itself refuses (invalid UTF-8 text): the connection is closed, Toolgate is not", async () => {
    const { port, url } = await start();
    const c = await connector(url);
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await c.closed).code).toBe(1007);
    expect(await answers(port)).toBe("ok");
  });
});

describe("connector hub: channels", () => {
  it("a channel the connector never confirms closed is reported exited after the confirmation timeout", async () => {
    const { hub, url } = await start({ closeConfirmMs: 100 });
    const c = await connector(url);
    c.ws.on("message", (d) => {
      const f = JSON.parse(String(d));
      if (f.t === "open") c.sendJson({ t: "opened", ch: f.ch, pid: 7 });
    });
    const channel: MessageChannel = await hub.open(spec, () => {});
    expect(channel.pid).toBe(7);
    const exited = new Promise((r) => channel.onExit(r));
    channel.close();
    await until("the close frame", async () => c.frames.some((f) => f.t === "close"));
    expect(await exited).toMatchObject({ code: null, message: expect.stringContaining("did not confirm") });
  });

  it("frames after the connection closed are ignored; a dropped connector fails its channels", async () => {
    const { hub, url } = await start();
    const c = await connector(url);
    c.ws.on("message", (d) => {
      const f = JSON.parse(String(d));
      if (f.t === "open") c.sendJson({ t: "opened", ch: f.ch, pid: 7 });
    });
    const channel = await hub.open(spec, () => {});
    const exited = new Promise<{ message: string }>((r) => channel.onExit(r));
    c.ws.terminate();
    expect((await exited).message).toBe("the connector disconnected");
    await expect(hub.open(spec, () => {})).rejects.toThrow(/offline/);
  });
});

describe("connector hub: heartbeats", () => {
  it("do not overlap when the key lookup is slower than the interval", async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const { url } = await start({
      heartbeatMs: 20,
      stillValid: async () => {
        calls++;
        most = Math.max(most, ++running);
        await sleep(120);
        running--;
        return true;
      },
    });
    await connector(url);
    await sleep(500);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
  });

  it("a revoked key found at a heartbeat closes the connection with 4401", async () => {
    let valid = true;
    const { url } = await start({ heartbeatMs: 30, stillValid: async () => valid });
    const c = await connector(url);
    valid = false;
    expect(await c.closed).toEqual({ code: 4401, reason: "the connector key was revoked" });
  });
});
