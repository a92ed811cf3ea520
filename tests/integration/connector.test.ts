import type { ChildProcess } from "node:child_process";
import net from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import WebSocket from "ws";
import { agent, everythingStdio, filesystemStdio, spawnConnector, text, until } from "../helpers/stdio-servers";
import { MALFORMED_CONNECTOR_FRAMES } from "../fixtures/malformed-connector-frames";

// Issue 8: a connector server. `toolgate connect` runs server-everything over stdio on "the
// user's machine" (here, a child process) and dials out to Toolgate; agents reach the server
// through the gateway under its policy. Killed: calls fail fast; restarted: they work again.
// Toolgate runs with command servers OFF: a connector needs nothing of that switch.
let app: ToolgateProcess;
let api: ReturnType<typeof apiClient>;
let admin: string;
let serverId: string;
let key: string;
let token: string;
const connectors: ChildProcess[] = [];
const handles: ReturnType<typeof spawnConnector>[] = [];

function startConnector(withKey = key, url = app.url, run = everythingStdio()) {
  const handle = spawnConnector(url, withKey, run, ["--max-backoff", "1"]);
  connectors.push(handle.child);
  handles.push(handle);
  return handle;
}

const server = async () => (await api("GET", `/api/v1/servers/${serverId}`, undefined, bearer(admin))).body.server as { connector: { online: boolean; lastSeenAt: string | null; command: string | null } ; lastSyncAt: string | null };
const mcpUrl = () => `${app.url}/mcp/${serverId}`;

beforeAll(async () => {
  app = await startToolgateProcess({ databaseUrl: await freshDatabase("connector") });
  api = apiClient(app.url);
  const email = uniqueEmail("conn");
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  admin = (await api("POST", "/api/v1/api-keys", { name: "admin", role: "admin" }, basic(email, PASSWORD))).body.key;
  const created = await api("POST", "/api/v1/servers", { name: "laptop-everything", kind: "connector" }, bearer(admin));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.sync).toBeNull();
  expect(created.body.server).toMatchObject({ kind: "connector", connector: { online: false, lastSeenAt: null } });
  expect(created.body.connectorKey.secret).toMatch(/^tgc_/);
  serverId = created.body.server.id;
  key = created.body.connectorKey.secret;
  await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: { version: "1", default: "allow", tools: { "get-env": { action: "deny", on_deny: "not from the laptop" } } } }, bearer(admin));
  token = (await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "agent" }, bearer(admin))).body.token;
}, 120_000);
afterAll(async () => {
  for (const c of connectors) c.kill("SIGKILL");
  await app?.stop();
});

describe("a connector server", () => {
  it("offline: calls fail at once with a clear error", async () => {
    const started = Date.now();
    const err = await agent(mcpUrl(), token).then(
      () => "connected",
      (e: Error) => e.message,
    );
    expect(err).toMatch(/the connector of this server is offline: start `toolgate connect`/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("online: tools are listed when it connects, and calls run under the policy", async () => {
    const c = startConnector();
    const online = await until("the connector online", async () => ((await server()).connector.online ? await server() : null));
    expect(online.connector.command).toContain("server-everything");
    await until("the tools synced on connect", async () => (await server()).lastSyncAt);
    const tools = (await api("GET", `/api/v1/servers/${serverId}/tools`, undefined, bearer(admin))).body.items as { name: string }[];
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-env", "trigger-long-running-operation"]));
    const client = await agent(mcpUrl(), token);
    expect(text(await client.callTool({ name: "echo", arguments: { message: "via the laptop" } }))).toContain("via the laptop");
    const denied = await client.callTool({ name: "get-env", arguments: {} });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toContain("not from the laptop");
    const progress: number[] = [];
    await client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 1, steps: 2 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([1, 2]);
    expect((await api("GET", `/api/v1/servers/${serverId}/processes`, undefined, bearer(admin))).body.items.length).toBeGreaterThanOrEqual(1);
    expect(c.output()).toContain('connected as server "laptop-everything"');
    await client.close();
  }, 60_000);

  it("killed: calls fail fast; restarted: it reconnects and calls work again", async () => {
    const client = await agent(mcpUrl(), token);
    // In flight for sure once its first progress notification is back.
    let progressed: () => void = () => {};
    const running = new Promise<void>((r) => (progressed = r));
    const pending = client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 30, steps: 30 } }, undefined, { onprogress: () => progressed() });
    await running;
    for (const c of connectors) c.kill("SIGKILL");
    const inFlight = await pending.then(
      () => "completed",
      (e: Error) => e.message,
    );
    expect(inFlight).toMatch(/the connector (disconnected|stopped answering)/);
    await until("the connector offline", async () => !(await server()).connector.online);
    const started = Date.now();
    const offline = await agent(mcpUrl(), token).then(
      () => "connected",
      (e: Error) => e.message,
    );
    expect(offline).toMatch(/offline/);
    expect(Date.now() - started).toBeLessThan(3_000);
    startConnector();
    await until("the connector back online", async () => (await server()).connector.online);
    const again = await agent(mcpUrl(), token);
    expect(text(await again.callTool({ name: "echo", arguments: { message: "back" } }))).toContain("back");
    await again.close();
  }, 60_000);

  it("reconnects by itself after a network cut", async () => {
    for (const c of connectors) c.kill("SIGKILL");
    // A TCP relay between the connector and Toolgate stands for the network; cutting its sockets is the blip.
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(Number(new URL(app.url).port), "127.0.0.1");
      inbound.pipe(outbound).pipe(inbound);
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => {});
      }
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", () => r()));
    try {
      const c = startConnector(key, `http://127.0.0.1:${(relay.address() as AddressInfo).port}`);
      // This connector's own connection (not the status of the one killed above, which the hub may not have dropped yet).
      await until("connected through the relay", async () => c.output().includes("connected as server") && sockets.size > 0 && (await server()).connector.online);
      for (const s of sockets) s.destroy();
      await until("the connector to notice", async () => c.output().includes("reconnecting in"));
      await until("online again, by itself", async () => c.output().split('connected as server').length === 3 && (await server()).connector.online, 20_000);
      const client = await agent(mcpUrl(), token);
      expect(text(await client.callTool({ name: "echo", arguments: { message: "after the blip" } }))).toContain("after the blip");
      await client.close();
    } finally {
      relay.close();
    }
  }, 60_000);

  it("a newer connector takes over; a revoked key stops its connector for good", async () => {
    const first = handles[handles.length - 1];
    const keys = (await api("GET", `/api/v1/servers/${serverId}/connector-keys`, undefined, bearer(admin))).body.items as { id: string; prefix: string }[];
    expect(keys).toHaveLength(1);
    expect(key.startsWith(keys[0].prefix)).toBe(true);
    // A second key; a connector on it replaces the first one's connection, and the first stops.
    const second = await api("POST", `/api/v1/servers/${serverId}/connector-keys`, undefined, bearer(admin));
    expect(second.status).toBe(201);
    const c2 = startConnector(second.body.secret);
    await until("the replacement", async () => c2.output().includes("connected as server"));
    expect(await first.exited).toBe(1);
    expect(first.output()).toContain("another connector connected for this server and took over: stopping this one");
    const revoked = await api("DELETE", `/api/v1/servers/${serverId}/connector-keys/${second.body.key.id}`, undefined, bearer(admin));
    const revokedAt = Date.now();
    expect(revoked.status).toBe(204);
    // Stopped by the revocation itself (close 4401 with its reason), not by a later reconnection's 401.
    expect(await c2.exited).toBe(1);
    expect(Date.now() - revokedAt).toBeLessThan(2_000);
    expect(c2.output()).toContain("toolgate connect: the connector key was revoked: stopping");
    expect(c2.output()).not.toContain("refused the connector key");
    await until("offline after the revocation", async () => !(await server()).connector.online);
    const bad = startConnector("tgc_not-a-real-key");
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain("Toolgate refused the connector key");
  }, 60_000);
});

describe("server-filesystem behind a connector", () => {
  it("is rated and enforced as when Toolgate runs it: write_file denied, read_text_file rate-limited", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "toolgate-conn-fs-"));
    writeFileSync(path.join(dir, "notes.txt"), "on the laptop\n");
    const created = (await api("POST", "/api/v1/servers", { name: "laptop-files", kind: "connector" }, bearer(admin))).body;
    const id = created.server.id as string;
    await api("PUT", `/api/v1/servers/${id}/policy`, { document: { version: "1", default: "allow", tools: { write_file: { action: "deny" }, read_text_file: { limits: [{ counter: "r", window: "minute", max: 1, scope: "grant" }] } } } }, bearer(admin));
    const t = (await api("POST", `/api/v1/servers/${id}/grants`, { label: "agent" }, bearer(admin))).body.token as string;
    startConnector(created.connectorKey.secret, app.url, filesystemStdio(dir));
    const tools = await until("the tools synced on connect", async () => {
      const items = (await api("GET", `/api/v1/servers/${id}/tools`, undefined, bearer(admin))).body.items as { name: string; risk: { category: string } }[];
      return items.length > 0 && items;
    });
    expect(Object.fromEntries(tools.map((x) => [x.name, x.risk.category]))).toMatchObject({ write_file: "Destructive", edit_file: "Destructive", read_text_file: "Read" });
    const client = await agent(`${app.url}/mcp/${id}`, t);
    const denied = await client.callTool({ name: "write_file", arguments: { path: path.join(dir, "x.txt"), content: "x" } });
    expect(denied.isError).toBe(true);
    expect(existsSync(path.join(dir, "x.txt"))).toBe(false);
    expect(text(await client.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "notes.txt") } }))).toContain("on the laptop");
    const limited = await client.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "notes.txt") } });
    expect(limited.isError).toBe(true);
    await client.close();
  }, 60_000);
});

// A /connect peer must never be able to end Toolgate: not before authentication (a reset during
// the key lookup or the 401), nor with a valid key (malformed frames, frames ws refuses).
describe("/connect against hostile peers", () => {
  // Next's production server logs an uncaught exception instead of exiting: it counts as a crash.
  const healthy = async () => {
    expect(app.child.exitCode).toBeNull();
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect(app.output()).not.toContain("uncaughtException");
  };
  const upgrade = (key: string) =>
    [`GET /connect HTTP/1.1`, `Host: 127.0.0.1:${app.port}`, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", `Authorization: Bearer ${key}`, "", ""].join("\r\n");

  it("a client that sends an upgrade with a bogus key and resets the connection does not crash Toolgate", async () => {
    // Reset at once and after 1–10 ms: while the key is looked up, and while the 401 is written.
    for (let i = 0; i < 40; i++) {
      const s = net.connect(app.port, "127.0.0.1");
      s.on("error", () => {});
      await new Promise((r) => s.once("connect", r));
      s.write(upgrade("tgc_x"));
      if (i % 10) await new Promise((r) => setTimeout(r, i % 10));
      s.resetAndDestroy();
    }
    await new Promise((r) => setTimeout(r, 500));
    await healthy();
  });

  it("malformed frames from a valid key are dropped; Toolgate survives and the connection keeps working", async () => {
    const created = (await api("POST", "/api/v1/servers", { name: "garbage-peer", kind: "connector" }, bearer(admin))).body;
    const id = created.server.id as string;
    const open = async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${app.port}/connect`, { headers: { authorization: `Bearer ${created.connectorKey.secret}` } });
      ws.on("error", () => {});
      const closed = new Promise<{ code: number; reason: string }>((r) => ws.on("close", (code, reason) => r({ code, reason: reason.toString() })));
      await new Promise((r, j) => (ws.once("open", r), ws.once("unexpected-response", (_q, res) => j(new Error(`HTTP ${res.statusCode}`)))));
      return { ws, closed };
    };
    const a = await open();
    for (const bad of MALFORMED_CONNECTOR_FRAMES) {
      a.ws.send(typeof bad === "string" ? bad : JSON.stringify(bad));
    }
    a.ws.send(JSON.stringify({ t: "hello", version: 1, command: "after-garbage", args: [], hostname: "h" }));
    await until("the valid hello after the garbage", async () => (await api("GET", `/api/v1/servers/${id}`, undefined, bearer(admin))).body.server.connector.command === "after-garbage");
    await healthy();
    // Another protocol version: closed with a reason that fits a close frame.
    a.ws.send(JSON.stringify({ t: "hello", version: 123456789 }));
    const closed = await a.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/^unsupported connector protocol version/);
    // Frames ws itself refuses (invalid UTF-8): the connection ends, Toolgate does not.
    const b = await open();
    b.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await b.closed).code).toBe(1007);
    await healthy();
  });
});
