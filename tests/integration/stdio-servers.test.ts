import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";
import { agent, everythingStdio, filesystemStdio, text, until } from "../helpers/stdio-servers";
import { runInspectorCli } from "../helpers/mcp-peers";

// Issue 8: command servers. Real stdio MCP servers (server-filesystem on a temp dir,
// server-everything) registered as commands, run by Toolgate, reached by an SDK client through
// the gateway with the same policies, audit and transparency as HTTP upstreams.
let app: ToolgateProcess;
let api: ReturnType<typeof apiClient>;
let admin: string;
let viewer: string;
let dir: string;
let databaseUrl: string;

async function addServer(body: Record<string, unknown>) {
  const r = await api("POST", "/api/v1/servers", { name: `cmd-${Math.random().toString(36).slice(2, 8)}`, kind: "command", ...body }, bearer(admin));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { server: { id: string }; sync: { ok: boolean; total?: number; error?: { message: string } } };
}

async function grant(serverId: string) {
  return (await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "agent" }, bearer(admin))).body.token as string;
}

async function publish(serverId: string, document: unknown) {
  const r = await api("PUT", `/api/v1/servers/${serverId}/policy`, { document }, bearer(admin));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

const mcpUrl = (serverId: string) => `${app.url}/mcp/${serverId}`;
const processes = async (serverId: string) => (await api("GET", `/api/v1/servers/${serverId}/processes`, undefined, bearer(admin))).body.items as { pid: number; sessions: number }[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "toolgate-fs-"));
  writeFileSync(path.join(dir, "hello.txt"), "hello from the filesystem server\n");
  databaseUrl = await freshDatabase("stdio");
  app = await startToolgateProcess({ databaseUrl, env: { TOOLGATE_STDIO: "on", TOOLGATE_STDIO_MAX_PER_ORG: "50", TOOLGATE_STDIO_PASS_ENV: "DATABASE_URL,LANG" } });
  api = apiClient(app.url);
  const email = uniqueEmail("stdio");
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  admin = (await api("POST", "/api/v1/api-keys", { name: "admin", role: "admin" }, basic(email, PASSWORD))).body.key;
  viewer = (await api("POST", "/api/v1/api-keys", { name: "viewer", role: "viewer" }, basic(email, PASSWORD))).body.key;
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

describe("server-filesystem as a command server", () => {
  let serverId: string;
  let token: string;

  beforeAll(async () => {
    const created = await addServer({ ...filesystemStdio(dir), env: { FS_TEST_SECRET: "s3cret-value" } });
    expect(created.sync, JSON.stringify(created.sync)).toMatchObject({ ok: true });
    serverId = created.server.id;
    token = await grant(serverId);
  }, 60_000);

  it("is listed and rated: reads are Read, write tools come out destructive", async () => {
    const tools = (await api("GET", `/api/v1/servers/${serverId}/tools`, undefined, bearer(viewer))).body.items as { name: string; risk: { category: string } }[];
    const risk = Object.fromEntries(tools.map((t) => [t.name, t.risk.category]));
    expect(risk.read_text_file ?? risk.read_file).toBe("Read");
    expect(risk.list_directory).toBe("Read");
    expect(risk.write_file).toBe("Destructive");
    expect(risk.edit_file).toBe("Destructive");
    const server = (await api("GET", `/api/v1/servers/${serverId}`, undefined, bearer(viewer))).body.server;
    expect(server).toMatchObject({ kind: "command", command: process.execPath, envNames: ["FS_TEST_SECRET"], processMode: "session" });
    expect(JSON.stringify(server)).not.toContain("s3cret-value");
  });

  it("enforces the policy: write_file denied, read_file rate-limited; the process stops with the session", async () => {
    await publish(serverId, {
      version: "1",
      default: "allow",
      tools: { write_file: { action: "deny", on_deny: "no writing here" }, read_text_file: { limits: [{ counter: "reads", window: "minute", max: 2, scope: "grant" }] } },
    });
    const client = await agent(mcpUrl(serverId), token);
    const denied = await client.callTool({ name: "write_file", arguments: { path: path.join(dir, "x.txt"), content: "x" } });
    expect(denied.isError).toBe(true);
    expect(text(denied)).toContain("no writing here");
    expect(() => readFileSync(path.join(dir, "x.txt"))).toThrow();
    for (let i = 0; i < 2; i++) expect(text(await client.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "hello.txt") } }))).toContain("hello from the filesystem server");
    const limited = await client.callTool({ name: "read_text_file", arguments: { path: path.join(dir, "hello.txt") } });
    expect(limited.isError).toBe(true);
    expect(text(limited)).toMatch(/RATE LIMITED|rate limit/i);
    expect((await client.listTools()).tools.some((t) => t.name === "list_directory")).toBe(true);
    expect(await processes(serverId)).toHaveLength(1);
    await (client.transport as unknown as { terminateSession(): Promise<void> }).terminateSession();
    await client.close();
    await until("the process to stop with its session", async () => (await processes(serverId)).length === 0);
    // Audit events are written in batches: wait for them.
    const audit = await until("the audit events", async () => {
      const items = (await api("GET", `/api/v1/audit?serverId=${serverId}`, undefined, bearer(admin))).body.items as { tool: string; decision: string }[];
      return items.length >= 4 && items;
    });
    expect(audit.map((e) => `${e.tool}:${e.decision}`)).toEqual(expect.arrayContaining(["write_file:deny", "read_text_file:allow", "read_text_file:rate_limited"]));
  });
});

describe("server-everything as a command server", () => {
  let serverId: string;
  let token: string;

  beforeAll(async () => {
    const created = await addServer({ ...everythingStdio(), env: { MY_SETTING: "visible-to-the-server" }, idleTimeoutSeconds: 600 });
    expect(created.sync).toMatchObject({ ok: true });
    serverId = created.server.id;
    await publish(serverId, { version: "1", default: "allow" });
    token = await grant(serverId);
  }, 60_000);

  it("the Inspector CLI, a third-party client, lists and calls its tools through the gateway", async () => {
    const headers = { Authorization: `Bearer ${token}` };
    const list = await runInspectorCli(mcpUrl(serverId), { transport: "http", method: "tools/list", headers });
    expect(list.exitCode, list.stderr).toBe(0);
    expect((list.json as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-env"]));
    const call = await runInspectorCli(mcpUrl(serverId), { transport: "http", method: "tools/call", headers, args: ["--tool-name", "echo", "--tool-arg", "message=from the inspector"] });
    expect(call.exitCode, call.stderr).toBe(0);
    expect(JSON.stringify(call.json)).toContain("from the inspector");
  }, 60_000);

  it("runs the process with its own environment and none of Toolgate's secrets", async () => {
    const client = await agent(mcpUrl(serverId), token);
    const env = text(await client.callTool({ name: "get-env", arguments: {} }));
    expect(env).toContain("visible-to-the-server");
    // Not even when the operator names it in TOOLGATE_STDIO_PASS_ENV.
    expect(env).not.toContain("DATABASE_URL");
    expect(env).not.toContain(new URL(databaseUrl).host);
    expect(env).not.toContain("TOOLGATE_ENCRYPTION_KEY");
    expect(env).not.toContain("NEXTAUTH_SECRET");
    await client.close();
  });

  it("relays sampling, elicitation and progress both ways", async () => {
    const client = await agent(mcpUrl(serverId), token, { sampling: {}, elicitation: { form: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async (r) => ({ model: "test-model", role: "assistant", content: { type: "text", text: `sampled: ${JSON.stringify(r.params.messages[0].content)}` } }));
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { color: "blue", name: "Ada", email: "ada@example.com", age: 36, score: 5 } }));
    const sampled = await client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "Name a colour", maxTokens: 20 } });
    expect(text(sampled)).toContain("sampled:");
    expect(text(sampled)).toContain("Name a colour");
    const elicited = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(text(elicited)).toMatch(/accept/i);
    const progress: number[] = [];
    const long = await client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 1, steps: 3 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(text(long)).toMatch(/completed/i);
    expect(progress).toEqual([1, 2, 3]);
    await client.close();
  });

  it("a killed process: the call in flight gets a clear error, the session is gone, the next session works", async () => {
    const before = new Set((await processes(serverId)).map((p) => p.pid));
    const client = await agent(mcpUrl(serverId), token);
    const pending = client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 20, steps: 20 } });
    // This session's own process: the one that was not running before it.
    const proc = await until("the process", async () => (await processes(serverId)).find((p) => !before.has(p.pid)));
    process.kill(proc.pid, "SIGKILL");
    const failed = await pending.then(
      (r) => text(r),
      (e: Error) => e.message,
    );
    expect(failed).toMatch(/the server process exited on signal SIGKILL/);
    const after = await client.callTool({ name: "echo", arguments: { message: "again" } }).then(
      () => "passed",
      (e: Error) => e.message,
    );
    expect(after).toMatch(/Session not found: the server process exited on signal SIGKILL.*; start a new session/);
    const next = await agent(mcpUrl(serverId), token);
    expect(text(await next.callTool({ name: "echo", arguments: { message: "fresh" } }))).toContain("fresh");
    await next.close();
    const logs = (await api("GET", `/api/v1/servers/${serverId}/logs`, undefined, bearer(admin))).body.items as { stream: string; text: string }[];
    expect(logs.some((l) => l.stream === "event" && l.text === "exited on signal SIGKILL")).toBe(true);
    expect(logs.some((l) => l.stream === "event" && l.text.startsWith("started: "))).toBe(true);
    expect((await api("GET", `/api/v1/servers/${serverId}/logs`, undefined, bearer(viewer))).status).toBe(403);
  }, 60_000);
});

describe("process lifecycle", () => {
  it("idle processes are reaped, and the session's next request says why", async () => {
    const { server } = await addServer({ ...everythingStdio(), idleTimeoutSeconds: 1, sync: false });
    await publish(server.id, { version: "1", default: "allow" });
    const client = await agent(mcpUrl(server.id), await grant(server.id));
    expect(text(await client.callTool({ name: "echo", arguments: { message: "hi" } }))).toContain("hi");
    expect(await processes(server.id)).toHaveLength(1);
    await until("the idle process to be stopped", async () => (await processes(server.id)).length === 0, 10_000);
    const after = await client.callTool({ name: "echo", arguments: { message: "hi" } }).then(
      () => "passed",
      (e: Error) => e.message,
    );
    expect(after).toMatch(/stopped after 1 s without activity/);
  }, 30_000);

  it("shared mode: two sessions, one process; per-session mode caps processes with a clear error", async () => {
    const shared = (await addServer({ ...everythingStdio(), processMode: "shared", sync: false })).server.id;
    await publish(shared, { version: "1", default: "allow" });
    const t = await grant(shared);
    const [a, b] = [await agent(mcpUrl(shared), t), await agent(mcpUrl(shared), t)];
    const [ra, rb] = await Promise.all([a.callTool({ name: "echo", arguments: { message: "from a" } }), b.callTool({ name: "echo", arguments: { message: "from b" } })]);
    expect(text(ra)).toContain("from a");
    expect(text(rb)).toContain("from b");
    expect(await processes(shared)).toMatchObject([{ sessions: 2 }]);
    await Promise.all([a.close(), b.close()]);

    // At the cap, a process with a call in flight is never taken: the new session is refused…
    const capped = (await addServer({ ...everythingStdio(), maxProcesses: 1, sync: false })).server.id;
    await publish(capped, { version: "1", default: "allow" });
    const t2 = await grant(capped);
    const first = await agent(mcpUrl(capped), t2);
    // In flight for sure once its first progress notification is back.
    let progressed: () => void = () => {};
    const inFlight = new Promise<void>((r) => (progressed = r));
    const busy = first.callTool({ name: "trigger-long-running-operation", arguments: { duration: 3, steps: 3 } }, undefined, { onprogress: () => progressed() });
    await inFlight;
    const refused = await agent(mcpUrl(capped), t2).then(
      () => "connected",
      (e: Error) => e.message,
    );
    expect(refused).toMatch(/already runs 1 processes, its limit \(max processes 1\), each with a call in flight/);
    expect(text(await busy)).toMatch(/completed/i);
    // …and once it is idle, the least recently used process makes room; its session is told why.
    const second = await agent(mcpUrl(capped), t2);
    expect(text(await second.callTool({ name: "echo", arguments: { message: "room made" } }))).toContain("room made");
    const evicted = await first.callTool({ name: "echo", arguments: { message: "x" } }).then(
      () => "passed",
      (e: Error) => e.message,
    );
    expect(evicted).toMatch(/stopped to make room for a new session \(its server's limit of 1 processes\)/);
    await second.close();
  }, 60_000);

  it("a process that exits at once: the agent is told why, and nothing is left counted", async () => {
    const { server } = await addServer({ command: process.execPath, args: ["-e", "console.error('missing configuration'); process.exit(3)"], sync: false });
    await publish(server.id, { version: "1", default: "allow" });
    const err = await agent(mcpUrl(server.id), await grant(server.id)).then(
      () => "connected",
      (e: Error) => e.message,
    );
    expect(err).toMatch(/exited with code 3 \(last stderr line: missing configuration\)/);
    expect(await processes(server.id)).toEqual([]);
  });

  it("the client ends its session during a call: the call ends, the process stops", async () => {
    const { server } = await addServer({ ...everythingStdio(), sync: false });
    await publish(server.id, { version: "1", default: "allow" });
    const client = await agent(mcpUrl(server.id), await grant(server.id));
    const pending = client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 20, steps: 20 } }).then(
      () => "completed",
      (e: Error) => e.message,
    );
    await until("its process", async () => (await processes(server.id)).length === 1);
    await (client.transport as unknown as { terminateSession(): Promise<void> }).terminateSession();
    await until("the process to stop", async () => (await processes(server.id)).length === 0);
    expect(await pending).not.toBe("completed");
    await client.close();
  }, 30_000);

  it("a client that gives up while the process starts leaves no process behind", async () => {
    // A server that takes 1.5 s to start (an `npx` download, say).
    const slow = `setTimeout(() => import(${JSON.stringify(everythingStdio().args[0])}), 1500)`;
    const { server } = await addServer({ command: process.execPath, args: ["-e", slow, "--", "stdio"], sync: false });
    await publish(server.id, { version: "1", default: "allow" });
    const token = await grant(server.id);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "impatient", version: "1" } } };
    await fetch(mcpUrl(server.id), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify(initialize), signal: abort.signal }).catch(() => {});
    await new Promise((r) => setTimeout(r, 2_500));
    await until("no process left", async () => (await processes(server.id)).length === 0, 5_000);
  }, 30_000);

  it("an idle shared process is reaped too", async () => {
    const { server } = await addServer({ ...everythingStdio(), processMode: "shared", idleTimeoutSeconds: 1, sync: false });
    await publish(server.id, { version: "1", default: "allow" });
    const client = await agent(mcpUrl(server.id), await grant(server.id));
    expect(text(await client.callTool({ name: "echo", arguments: { message: "once" } }))).toContain("once");
    await until("the idle shared process to be stopped", async () => (await processes(server.id)).length === 0, 10_000);
    await client.close();
  }, 30_000);

  it("an admin stops a process: its session is told why, a viewer may not", async () => {
    const { server } = await addServer({ ...everythingStdio(), sync: false });
    await publish(server.id, { version: "1", default: "allow" });
    const client = await agent(mcpUrl(server.id), await grant(server.id));
    const [proc] = (await api("GET", `/api/v1/servers/${server.id}/processes`, undefined, bearer(viewer))).body.items as { id: string }[];
    expect((await api("DELETE", `/api/v1/servers/${server.id}/processes/${proc.id}`, undefined, bearer(viewer))).status).toBe(403);
    expect((await api("DELETE", `/api/v1/servers/${server.id}/processes/${proc.id}`, undefined, bearer(admin))).status).toBe(204);
    const after = await client.callTool({ name: "echo", arguments: { message: "x" } }).then(
      () => "passed",
      (e: Error) => e.message,
    );
    expect(after).toMatch(/stopped by an admin; start a new session/);
    expect((await api("DELETE", `/api/v1/servers/${server.id}/processes/${proc.id}`, undefined, bearer(admin))).status).toBe(404);
    const log = (await api("GET", "/api/v1/audit/admin", undefined, bearer(admin))).body.items as { action: string; targetId: string }[];
    expect(log.some((e) => e.action === "server.process_stopped" && e.targetId === server.id)).toBe(true);
    await client.close();
  });

  it("a command that does not exist: the agent and the sync say so", async () => {
    const created = await addServer({ command: "definitely-not-a-command-xyz", args: [] });
    expect(created.sync.ok).toBe(false);
    expect(created.sync.error?.message).toMatch(/could not start `definitely-not-a-command-xyz`: command not found/);
    const err = await agent(mcpUrl(created.server.id), await grant(created.server.id)).then(
      () => "connected",
      (e: Error) => e.message,
    );
    expect(err).toMatch(/command not found/);
  });
});

describe("registration", () => {
  it("only admins register commands; fields are checked against the kind", async () => {
    expect((await api("POST", "/api/v1/servers", { name: "v", kind: "command", command: "node" }, bearer(viewer))).status).toBe(403);
    const noCommand = await api("POST", "/api/v1/servers", { name: "c", kind: "command" }, bearer(admin));
    expect(noCommand.status).toBe(400);
    expect(noCommand.body.error.details.fields).toMatchObject({ command: "command is required" });
    const mixed = await api("POST", "/api/v1/servers", { name: "m", kind: "command", command: "node", url: "https://example.com/mcp" }, bearer(admin));
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details.fields.url).toMatch(/no URL/);
    const relative = await api("POST", "/api/v1/servers", { name: "r", kind: "command", command: "node", cwd: "relative/dir" }, bearer(admin));
    expect(relative.body.error.details.fields.cwd).toMatch(/absolute path/);
    // Changing: the kind's own fields only; `cwd: null` clears the working directory.
    const made = await addServer({ ...everythingStdio(), cwd: "/tmp", sync: false });
    const cleared = await api("PATCH", `/api/v1/servers/${made.server.id}`, { cwd: null, args: [...everythingStdio().args] }, bearer(admin));
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.server.cwd).toBeNull();
    const wrongKind = await api("PATCH", `/api/v1/servers/${made.server.id}`, { url: "https://example.com/mcp" }, bearer(admin));
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.details.fields.url).toMatch(/no URL/);
    const kinds = (await api("GET", "/api/v1/servers/kinds", undefined, bearer(viewer))).body;
    expect(kinds).toEqual({ url: { enabled: true }, command: { enabled: true, mode: "on", allowlist: [] }, connector: { enabled: true } });
  });
});
