import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../tests/helpers/stdio-servers";
import WebSocket, { WebSocketServer } from "ws";
import { connectCommand, connectUrl, Connector } from "./connect";
import type { CliIo } from "./io";
import type { ChannelExit, ChannelOpener, MessageChannel } from "../gateway/stdio/types";

// `toolgate connect` against a tiny in-test hub (a ws server that does only what each test says).
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** A hub: `onConnection` runs for each connector connection; it never pings unless told. */
async function hub(onConnection: (ws: WebSocket, n: number) => void = () => {}) {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  const sockets: WebSocket[] = [];
  const frames: Record<string, unknown>[] = [];
  wss.on("connection", (ws) => {
    sockets.push(ws);
    ws.on("message", (d) => frames.push(JSON.parse(String(d))));
    onConnection(ws, sockets.length);
  });
  cleanups.push(() => {
    for (const s of wss.clients) s.terminate();
    return new Promise((r) => wss.close(r));
  });
  return { url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, sockets, frames };
}

function io(env: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  let interrupt: () => void = () => {};
  const value: CliIo = {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    readText: () => "",
    env,
    onInterrupt: (onStop) => {
      interrupt = onStop;
      return () => {};
    },
  };
  return { io: value, lines, text: () => lines.join("\n"), interrupt: () => interrupt() };
}

const welcome = (ws: WebSocket) => ws.send(JSON.stringify({ t: "welcome", serverId: "srv_1", serverName: "laptop" }));
const node = (script: string) => ["--", process.execPath, "-e", script];
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("toolgate connect: the URL", () => {
  it("keeps a path prefix and maps http(s) to ws(s)", () => {
    expect(connectUrl("https://host.example/toolgate").href).toBe("wss://host.example/toolgate/connect");
    expect(connectUrl("https://host.example/toolgate/").href).toBe("wss://host.example/toolgate/connect");
    expect(connectUrl("http://localhost:3000").href).toBe("ws://localhost:3000/connect");
    expect(connectUrl("wss://host.example").href).toBe("wss://host.example/connect");
    expect(() => connectUrl("ftp://host.example")).toThrow(/http:\/\/ or https:\/\//);
    expect(() => connectUrl("not a url")).toThrow(/not a URL/);
  });

  it("warns loudly when the key would travel in clear (http:// to another host), not for loopback", async () => {
    for (const [url, warns] of [
      ["http://192.0.2.1:9", true],
      ["http://localhost:9", false],
      ["http://127.0.0.1:9", false],
      ["https://192.0.2.1:9", false],
    ] as const) {
      const t = io();
      const done = connectCommand(["--url", url, "--key", "tgc_x", ...node("")], t.io);
      t.interrupt();
      expect(await done).toBe(0);
      expect(t.text().includes("WARNING"), url).toBe(warns);
    }
  });
});

describe("toolgate connect: the connection", () => {
  it("a hub that goes silent (no pings: a half-open connection) is dropped and redialed by the connector itself", async () => {
    const h = await hub((ws) => welcome(ws));
    const t = io({ TOOLGATE_CONNECT_WATCHDOG_MS: "300" });
    const done = connectCommand(["--url", h.url, "--key", "tgc_x", ...node("")], t.io);
    await until("a second connection", async () => h.sockets.length >= 2);
    expect(t.text()).toMatch(/no heartbeat from Toolgate in 0\.3 s/);
    t.interrupt();
    expect(await done).toBe(0);
  });

  it("pings keep the watchdog from firing", async () => {
    const h = await hub((ws) => {
      welcome(ws);
      const timer = setInterval(() => ws.ping(), 100);
      ws.on("close", () => clearInterval(timer));
    });
    const t = io({ TOOLGATE_CONNECT_WATCHDOG_MS: "300" });
    const done = connectCommand(["--url", h.url, "--key", "tgc_x", ...node("")], t.io);
    await sleep(1_000);
    expect(h.sockets).toHaveLength(1);
    t.interrupt();
    expect(await done).toBe(0);
  });

  it("a protocol refusal (4400) is fatal: exit 1 with the reason, no reconnection", async () => {
    const h = await hub((ws) => ws.close(4400, "unsupported connector protocol version 1"));
    const t = io();
    expect(await connectCommand(["--url", h.url, "--key", "tgc_x", ...node("")], t.io)).toBe(1);
    expect(t.text()).toMatch(/refused this connector: unsupported connector protocol version 1.*stopping/);
    await sleep(700);
    expect(h.sockets).toHaveLength(1);
  });

  it("the backoff is not reset by a connection that is accepted (even welcomed) and dropped at once", async () => {
    const h = await hub((ws) => {
      welcome(ws);
      setTimeout(() => ws.close(1011, "boom"), 20);
    });
    const t = io();
    const done = connectCommand(["--url", h.url, "--key", "tgc_x", ...node("")], t.io);
    const delays = await until("three reconnections", async () => {
      const d = [...t.text().matchAll(/reconnecting in ([\d.]+) s/g)].map((m) => Number(m[1]));
      return d.length >= 3 && d;
    });
    t.interrupt();
    expect(await done).toBe(0);
    // 0.5 s, 1 s, 2 s (±20 %), not 0.5 s each time.
    expect(delays[0]).toBeLessThanOrEqual(0.6);
    expect(delays[1]).toBeGreaterThanOrEqual(0.8);
    expect(delays[2]).toBeGreaterThanOrEqual(1.6);
  });

  it("Ctrl-C while a reconnection is pending exits at once and does not redial", async () => {
    const h = await hub((ws) => ws.close(1011, "boom"));
    const t = io();
    const done = connectCommand(["--url", h.url, "--key", "tgc_x", ...node("")], t.io);
    await until("the pending reconnection", async () => t.text().includes("reconnecting in"));
    const started = Date.now();
    t.interrupt();
    expect(await done).toBe(0);
    expect(Date.now() - started).toBeLessThan(300);
    await sleep(800);
    expect(h.sockets).toHaveLength(1);
  });
});

describe("toolgate connect: the server's processes", () => {
  it("do not see the connector key or Toolgate's URL in their environment", async () => {
    const h = await hub((ws) => {
      welcome(ws);
      ws.send(JSON.stringify({ t: "open", ch: "c1" }));
    });
    const t = io({ PATH: process.env.PATH, TOOLGATE_CONNECTOR_KEY: "tgc_secret", TOOLGATE_URL: "http://x", MARKER_VAR: "1" });
    const done = connectCommand(["--url", h.url, "--key", "tgc_secret", ...node("console.error('ENV ' + Object.keys(process.env).join(','))")], t.io);
    const line = await until("the env line", async () => h.frames.find((f) => f.t === "log" && String(f.text).startsWith("ENV ")));
    t.interrupt();
    expect(await done).toBe(0);
    expect(String(line.text)).toContain("MARKER_VAR");
    expect(String(line.text)).not.toContain("TOOLGATE_CONNECTOR_KEY");
    expect(String(line.text)).not.toContain("TOOLGATE_URL");
  });

  it("stopping kills them, even one that ignores SIGTERM, before the command returns", async () => {
    const h = await hub((ws) => {
      welcome(ws);
      ws.send(JSON.stringify({ t: "open", ch: "c1" }));
    });
    const t = io();
    const done = connectCommand(["--url", h.url, "--key", "tgc_x", ...node("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)")], t.io);
    const opened = await until("the process", async () => h.frames.find((f) => f.t === "opened"));
    const pid = opened.pid as number;
    expect(alive(pid)).toBe(true);
    await sleep(200); // its SIGTERM handler is installed
    t.interrupt();
    expect(await done).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it("a process that finishes starting after its connection dropped is closed (no orphan)", async () => {
    const h = await hub((ws) => {
      welcome(ws);
      ws.send(JSON.stringify({ t: "open", ch: "c1" }));
      setTimeout(() => ws.terminate(), 20);
    });
    let release: () => void = () => {};
    let closed = false;
    const exitListeners: ((e: ChannelExit) => void)[] = [];
    const channel: MessageChannel = {
      pid: null,
      send() {},
      onMessage() {},
      onExit: (l) => void exitListeners.push(l),
      close() {
        closed = true;
        for (const l of exitListeners) l({ code: 0, signal: null, message: "stopped" });
      },
    };
    const opener: ChannelOpener = { open: () => new Promise((r) => (release = () => r(channel))) };
    const t = io();
    const connector = new Connector({ url: new URL(h.url.replace("http", "ws") + "/connect"), key: "tgc_x", command: "x", args: [], io: t.io, maxBackoffMs: 60_000, opener });
    const done = connector.run();
    await until("the drop", async () => t.text().includes("reconnecting in"));
    release();
    await until("the orphan closed", async () => closed);
    expect(h.frames.some((f) => f.t === "opened")).toBe(false);
    connector.stop();
    expect(await done).toBe(0);
  });
});
