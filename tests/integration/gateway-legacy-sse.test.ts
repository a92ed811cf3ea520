import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ListRootsRequestSchema, ToolListChangedNotificationSchema, type ClientCapabilities, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { startGatewayEnv, textOf, type EntryPoint, type GatewayEnv } from "../helpers/gateway-env";
import { startEverything, type McpPeer } from "../helpers/mcp-peers";
import { startAuthForwarder, type AuthForwarder } from "../helpers/auth-forwarder";

// Upstreams that speak only the legacy HTTP+SSE transport (MCP 2024-11-05), behind Toolgate:
// the SDK client speaks Streamable HTTP to the gateway, which bridges to server-everything in
// `sse` mode. The server is registered once with transport "sse" and once with "auto" (found
// legacy by detection; that one sits behind a recording forwarder, so the test sees what the
// gateway sent upstream). Both entry points, as for every gateway test.
const POLICY = {
  version: "1",
  default: "deny",
  hide: ["get-env"],
  tools: {
    echo: {},
    "get-sum": { limits: [{ counter: "sum_rate", window: "minute", max: 3, scope: "grant" }] },
    "trigger-long-running-operation": {},
    "trigger-sampling-request": {},
    "get-roots-list": {},
  },
};
const UPSTREAM_KEY = "upstream-secret";
type Transport = "sse" | "auto";

let env: GatewayEnv;
let peer: McpPeer;
/** Recording forwarders in front of the peer, one per server kind: what the gateway sent upstream. */
const recorders = {} as Record<Transport, AuthForwarder>;
let orgId: string;
const servers = {} as Record<Transport, string>;
const clients: Client[] = [];

async function addServer(transport: Transport, url: string): Promise<string> {
  const { createServer } = await import("../../lib/servers/create-server");
  const name = `legacy-${transport}-${Math.random().toString(36).slice(2, 8)}`;
  const { id } = await createServer(env.db, { type: "system", id: null, label: "test" }, orgId, { name, url, transport, headers: { "X-Api-Key": UPSTREAM_KEY } });
  await env.publish(orgId, POLICY, { serverId: id });
  return id;
}

beforeAll(async () => {
  peer = await startEverything("sse");
  recorders.sse = await startAuthForwarder({ target: peer.url, token: null });
  recorders.auto = await startAuthForwarder({ target: peer.url, token: null });
  env = await startGatewayEnv({ entries: ["fast", "next"] });
  ({ orgId } = await env.newOrg());
  servers.sse = await addServer("sse", recorders.sse.url);
  servers.auto = await addServer("auto", recorders.auto.url);
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await env?.stop();
  await Promise.allSettled(Object.values(recorders).map((r) => r.close()));
  await peer?.close();
});

/** An SDK client over Streamable HTTP to the gateway, declaring the given capabilities. */
async function connect(entry: EntryPoint, serverId: string, token: string, capabilities: ClientCapabilities = {}, setup?: (c: Client) => void) {
  const client = new Client({ name: "legacy-test", version: "1.0.0" }, { capabilities });
  setup?.(client);
  const transport = new StreamableHTTPClientTransport(new URL(env.gatewayUrl(entry, serverId)), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

function rawPost(entry: EntryPoint, serverId: string, token: string, sessionId: string, body: unknown) {
  return fetch(env.gatewayUrl(entry, serverId), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "mcp-session-id": sessionId, "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify(body),
  });
}

describe.each([
  ["fast", "sse"],
  ["fast", "auto"],
  ["next", "sse"],
  ["next", "auto"],
] as [EntryPoint, Transport][])("through the %s entry point, transport %s", (entry, transport) => {
  const server = () => servers[transport];

  it("lists tools without the hidden ones and calls echo", async () => {
    const { token } = await env.grant(orgId, server(), `list-${entry}-${transport}`);
    const { client } = await connect(entry, server(), token);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("echo");
    expect(names).toContain("trigger-long-running-operation");
    expect(names).not.toContain("get-env");
    const r = await client.callTool({ name: "echo", arguments: { message: `hi ${entry} ${transport}` } });
    expect(textOf(r)).toBe(`Echo: hi ${entry} ${transport}`);
    expect(r.isError).toBeFalsy();
  });

  it("denies, hides and rate-limits exactly as for Streamable HTTP upstreams", async () => {
    const { token } = await env.grant(orgId, server(), `policy-${entry}-${transport}`);
    const { client } = await connect(entry, server(), token);
    const denied = await client.callTool({ name: "get-tiny-image", arguments: {} });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/^\[POLICY DENIED\] .*\(rule \/default\)$/);
    // Hidden means unknown: the legacy server's own answer for a tool it does not have (issue 13).
    expect(await client.callTool({ name: "get-env", arguments: {} })).toEqual({ content: [{ type: "text", text: "MCP error -32602: Tool get-env not found" }], isError: true });
    for (let i = 0; i < 3; i++) expect(textOf(await client.callTool({ name: "get-sum", arguments: { a: i, b: 2 } }))).toBe(`The sum of ${i} and 2 is ${i + 2}.`);
    const limited = await client.callTool({ name: "get-sum", arguments: { a: 1, b: 1 } });
    expect(textOf(limited)).toMatch(/^\[POLICY DENIED\] rate limit `sum_rate` reached: at most 3 calls per minute per grant, resets in \d+ seconds?/);
  });

  it("relays the progress notifications of a long-running tool with its result", async () => {
    const { token } = await env.grant(orgId, server(), `progress-${entry}-${transport}`);
    const { client } = await connect(entry, server(), token);
    const progress: Progress[] = [];
    const r = await client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 1, steps: 4 } }, undefined, { onprogress: (p) => progress.push(p) });
    expect(textOf(r)).toMatch(/^Long running operation completed\. Duration: 1 seconds, Steps: 4\./);
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4)).toBe(true);
  });

  it("cancels a running call at the client's request, and the session goes on", async () => {
    const { token } = await env.grant(orgId, server(), `cancel-${entry}-${transport}`);
    const { client } = await connect(entry, server(), token);
    const abort = new AbortController();
    const running = client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 3, steps: 30 } }, undefined, {
      signal: abort.signal,
      onprogress: () => abort.abort("enough"),
    });
    await expect(running).rejects.toThrow(/enough|abort/i);
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "still here" } }))).toBe("Echo: still here");
  });

  it("gets a prompt and reads a resource", async () => {
    const { token } = await env.grant(orgId, server(), `content-${entry}-${transport}`);
    const { client } = await connect(entry, server(), token);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain("args-prompt");
    const prompt = await client.getPrompt({ name: "args-prompt", arguments: { city: "Lyon" } });
    expect(prompt.messages[0].content).toMatchObject({ type: "text", text: "What's weather in Lyon?" });
    const resources = (await client.listResources()).resources;
    expect(resources.length).toBeGreaterThan(0);
    const read = await client.readResource({ uri: resources[0].uri });
    expect(read.contents[0].uri).toBe(resources[0].uri);
  });

  it("carries a sampling request to the client during the call, and its answer back", async () => {
    const { token } = await env.grant(orgId, server(), `sampling-${entry}-${transport}`);
    const { client } = await connect(entry, server(), token, { sampling: {} }, (c) =>
      c.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
        model: "test-model",
        role: "assistant",
        content: { type: "text", text: `sampled (${req.params.maxTokens} tokens)` },
      })),
    );
    const r = await client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "hello", maxTokens: 7 } });
    expect(textOf(r)).toContain("LLM sampling result");
    expect(textOf(r)).toContain("sampled (7 tokens)");
  });

  it("delivers messages outside any request on the standalone GET stream (list_changed, roots/list)", async () => {
    const { token } = await env.grant(orgId, server(), `stream-${entry}-${transport}`);
    let listChanged = 0;
    let rootsAsked = 0;
    const { client } = await connect(entry, server(), token, { roots: { listChanged: true } }, (c) => {
      c.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listChanged++);
      c.setRequestHandler(ListRootsRequestSchema, async () => (rootsAsked++, { roots: [{ uri: "file:///srv/legacy-root", name: "legacy-root" }] }));
    });
    // Sent by the upstream right after initialization: list_changed before the client's GET stream
    // opens (kept for it), roots/list 350 ms later on a stream no request is waiting on.
    await expect.poll(() => listChanged, { timeout: 5000 }).toBeGreaterThan(0);
    await expect.poll(() => rootsAsked, { timeout: 5000 }).toBe(1);
    expect(textOf(await client.callTool({ name: "get-roots-list", arguments: {} }))).toContain("legacy-root");
  });

  it("ends the upstream session on DELETE, after which the session is unknown", async () => {
    const { token } = await env.grant(orgId, server(), `delete-${entry}-${transport}`);
    const seen = recorders[transport].requests.length;
    const { client, transport: t } = await connect(entry, server(), token);
    await client.ping();
    // The upstream's own session id is in the endpoint the gateway POSTs to.
    const upstreamSession = recorders[transport].requests.slice(seen).map((r) => /sessionId=([\w-]+)/.exec(r.path)?.[1]).find(Boolean);
    expect(upstreamSession).toBeDefined();
    const sessionId = t.sessionId!;
    await t.terminateSession();
    await expect.poll(() => peer.output().includes(`Client Disconnected:  ${upstreamSession}`), { timeout: 5000 }).toBe(true);
    const after = await rawPost(entry, server(), token, sessionId, { jsonrpc: "2.0", id: 9, method: "ping" });
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ error: { message: expect.stringMatching(/^Session not found/) } });
  });
});

describe("legacy sessions", () => {
  it("live on the replica that opened them: another replica answers 404 so the client re-initializes", async () => {
    const { token } = await env.grant(orgId, servers.sse, "replicas");
    const { client, transport } = await connect("fast", servers.sse, token);
    await client.ping();
    const elsewhere = await rawPost("next", servers.sse, token, transport.sessionId!, { jsonrpc: "2.0", id: 3, method: "ping" });
    expect(elsewhere.status).toBe(404);
    const here = await rawPost("fast", servers.sse, token, transport.sessionId!, { jsonrpc: "2.0", id: 4, method: "ping" });
    expect(here.status).toBe(200);
    expect(await here.text()).toContain('"id":4');
  });

  it("are bound to their grant: another grant's token cannot use one", async () => {
    const a = await env.grant(orgId, servers.sse, "owner");
    const b = await env.grant(orgId, servers.sse, "intruder");
    const { transport } = await connect("fast", servers.sse, a.token);
    expect((await rawPost("fast", servers.sse, b.token, transport.sessionId!, { jsonrpc: "2.0", id: 5, method: "ping" })).status).toBe(404);
  });

  it("auto: detected once per server, with the upstream credentials and never the client's token", async () => {
    const recorder = recorders.auto;
    const serverId = await addServer("auto", recorder.url);
    const { token } = await env.grant(orgId, serverId, "detect");
    const streamableAttempts = (from: number) => recorder.requests.slice(from).filter((r) => r.method === "POST" && r.path === "/sse");
    let seen = recorder.requests.length;
    await connect("fast", serverId, token);
    // First session: the Streamable HTTP initialize is answered 404, then the legacy GET opens.
    expect(streamableAttempts(seen).map((r) => r.status)).toEqual([404]);
    expect(recorder.requests.slice(seen).some((r) => r.method === "GET" && r.path === "/sse" && r.status === 200)).toBe(true);
    seen = recorder.requests.length;
    const { client } = await connect("fast", serverId, token);
    // Later sessions go straight to the legacy transport.
    expect(streamableAttempts(seen)).toEqual([]);
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "again" } }))).toBe("Echo: again");
    for (const r of [...recorders.auto.requests, ...recorders.sse.requests]) {
      expect(r.received["x-api-key"]).toBe(UPSTREAM_KEY);
      expect(r.received.authorization).toBeUndefined();
      expect(r.received.cookie).toBeUndefined();
    }
    expect(JSON.stringify(recorder.requests)).not.toContain(token);
  });

  it("audits calls like any other: decision, rule, upstream status", async () => {
    const { id: grantId, token } = await env.grant(orgId, servers.sse, "audited");
    const { client } = await connect("fast", servers.sse, token);
    await client.callTool({ name: "echo", arguments: { message: "secret value" } });
    await client.callTool({ name: "get-tiny-image", arguments: {} });
    await expect.poll(() => env.db.auditEvent.count({ where: { grantId } }), { timeout: 5000 }).toBe(2);
    const events = await env.db.auditEvent.findMany({ where: { grantId }, orderBy: { time: "asc" } });
    expect(events[0]).toMatchObject({ tool: "echo", decision: "allow", method: "tools/call", argKeys: ["message"], upstreamStatus: 202, serverId: servers.sse });
    expect(events[0].sessionId).toMatch(/^ses_/);
    expect(events[1]).toMatchObject({ tool: "get-tiny-image", decision: "deny", rulePointer: "/default" });
  });
});
