import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, McpError, type ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { startGatewayEnv, type EntryPoint, type GatewayEnv } from "../helpers/gateway-env";
import { startEverything, type McpPeer } from "../helpers/mcp-peers";
import { ACCEPT_BOTH, initializeRequest, postRpc, responseFor, type SseEvent } from "../helpers/gateway-wire";

// Issue 4 §2 and §6, transparency: server-everything (streamable HTTP) behind Toolgate with an
// allow-all policy gives the SDK client what it gives it directly: every tool, prompt and
// resource, completion, logging, ping, progress, cancellation, sampling, elicitation, roots,
// list-changed and resource-updated notifications, the standalone GET stream, DELETE, SSE
// event ids and Last-Event-ID resumption, tasks, and the three protocol versions. Every test
// runs the same steps against server-everything directly and through the gateway, and compares
// the answers modulo ids, timestamps and randomness. Both entry points: the fast path of
// `npm start` and Next's route-handler adapter.
const ENTRIES: EntryPoint[] = ["fast", "next"];
const VERSIONS = ["2025-03-26", "2025-06-18", "2025-11-25"] as const;
const CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };
const ROOTS = [{ uri: "file:///work/transparency", name: "transparency" }];
const ELICITED = {
  name: "Ada Lovelace",
  check: true,
  firstLine: "Call me Ishmael.",
  email: "ada@example.com",
  homepage: "https://example.com/ada",
  birthdate: "1815-12-10",
  integer: 7,
  number: 2.5,
  untitledSingleSelectEnum: "Ross",
  untitledMultipleSelectEnum: ["Piano"],
  titledSingleSelectEnum: "hero-2",
  titledMultipleSelectEnum: ["fish-3"],
  legacyTitledEnum: "pet-2",
};
/** A deterministic file for gzip-file-as-resource (its default is a URL on the internet). */
const DATA_URI = `data:text/plain;base64,${Buffer.from("transparent, streaming, and policy-aware\n".repeat(20)).toString("base64")}`;

/** Valid arguments for every tool server-everything lists to a client with CAPABILITIES. */
const TOOL_ARGS: Record<string, Record<string, unknown>> = {
  echo: { message: "hello through the gateway" },
  "get-annotated-message": { messageType: "success", includeImage: true },
  "get-env": {},
  "get-resource-links": { count: 4 },
  "get-resource-reference": { resourceType: "Blob", resourceId: 2 },
  "get-structured-content": { location: "Chicago" },
  "get-sum": { a: 19, b: 23 },
  "get-tiny-image": {},
  "gzip-file-as-resource": { name: "transparency.txt.gz", data: DATA_URI, outputType: "resource" },
  "toggle-simulated-logging": {},
  "toggle-subscriber-updates": {},
  "trigger-long-running-operation": { duration: 0.3, steps: 3 },
  "get-roots-list": {},
  "trigger-elicitation-request": {},
  "trigger-url-elicitation": { url: "https://example.com/authorize", message: "Sign in", elicitationId: "elicit-1" },
  "trigger-sampling-request": { prompt: "Say hello", maxTokens: 50 },
  // Task-only (execution.taskSupport "required"): a plain call is refused; see the tasks test.
  "simulate-research-query": { topic: "gateways" },
};
/** Tools that start a per-session timer: called a second time to stop it. */
const TOGGLES = new Set(["toggle-simulated-logging", "toggle-subscriber-updates"]);

let peer: McpPeer;
let env: GatewayEnv;
let serverId: string;
let token: string;

beforeAll(async () => {
  peer = await startEverything("streamableHttp");
  env = await startGatewayEnv({ entries: ENTRIES });
  const { orgId } = await env.newOrg();
  serverId = await env.addServer(orgId, peer.url);
  await env.publish(orgId, { version: "1", default: "allow" }, { serverId });
  token = (await env.grant(orgId, serverId, "transparency")).token;
});
afterAll(async () => {
  await env?.stop();
  await peer?.close();
});

// ---------------------------------------------------------------------------------------------
// Two sides: the same client code against server-everything directly, and through Toolgate

type Target = "direct" | EntryPoint;
const urlOf = (t: Target) => (t === "direct" ? peer.url : env.gatewayUrl(t, serverId));
const authOf = (t: Target): Record<string, string> => (t === "direct" ? {} : { authorization: `Bearer ${token}` });

interface Note {
  method: string;
  params?: Record<string, unknown>;
}

interface Side {
  target: Target;
  client: Client;
  transport: StreamableHTTPClientTransport;
  notes: Note[];
  /** Server requests the client answered, by method. */
  served: { method: string; params: unknown }[];
  /** Resolves with the first notification (already received or to come) that matches. */
  waitFor(method: string, match?: (n: Note) => boolean, timeoutMs?: number): Promise<Note>;
}

const opened: Side[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.client.close()));
});

async function open(target: Target, capabilities: ClientCapabilities = CAPABILITIES): Promise<Side> {
  const client = new Client({ name: "transparency-test", version: "1.0.0" }, { capabilities });
  const notes: Note[] = [];
  const served: Side["served"] = [];
  const waiters: { method: string; match: (n: Note) => boolean; resolve: (n: Note) => void }[] = [];
  client.fallbackNotificationHandler = async (n) => {
    const note = n as Note;
    notes.push(note);
    for (const w of [...waiters]) if (w.method === note.method && w.match(note)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(note));
  };
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
    served.push({ method: req.method, params: req.params });
    const asked = req.params.messages
      .flatMap((m) => (Array.isArray(m.content) ? m.content : [m.content]))
      .map((c) => (c.type === "text" ? c.text : c.type))
      .join(" | ");
    return { role: "assistant", content: { type: "text", text: `sampled: ${asked}` }, model: "transparency-model", stopReason: "endTurn" };
  });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    served.push({ method: req.method, params: req.params });
    return req.params.mode === "url" ? { action: "accept" } : { action: "accept", content: ELICITED };
  });
  client.setRequestHandler(ListRootsRequestSchema, async (req) => {
    served.push({ method: req.method, params: req.params });
    return { roots: ROOTS };
  });
  const transport = new StreamableHTTPClientTransport(new URL(urlOf(target)), { requestInit: { headers: authOf(target) } });
  await client.connect(transport);
  const side: Side = {
    target,
    client,
    transport,
    notes,
    served,
    waitFor(method, match = () => true, timeoutMs = 10_000) {
      const seen = notes.find((n) => n.method === method && match(n));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${target}: no ${method} within ${timeoutMs} ms (got ${notes.map((n) => n.method).join(", ") || "nothing"})`)), timeoutMs);
        waiters.push({ method, match, resolve: (n) => (clearTimeout(timer), resolve(n)) });
      });
    },
  };
  opened.push(side);
  return side;
}

/**
 * Runs the same steps on both sides, concurrently, or one after the other for steps that touch
 * server-everything's process-wide state (session resources are registered in one map by URI:
 * two sessions registering the same name at once unregister each other's).
 */
async function both<T>(entry: EntryPoint, steps: (side: Side) => Promise<T>, opts: { capabilities?: ClientCapabilities; sequential?: boolean } = {}): Promise<{ direct: T; gateway: T }> {
  const [d, g] = await Promise.all([open("direct", opts.capabilities), open(entry, opts.capabilities)]);
  if (opts.sequential) return { direct: await steps(d), gateway: await steps(g) };
  const [direct, gateway] = await Promise.all([steps(d), steps(g)]);
  return { direct, gateway };
}

/** A result, or the error it failed with, as data. */
async function outcome<T>(p: Promise<T>): Promise<T | { error: { code?: number; message: string; data?: unknown } }> {
  try {
    return await p;
  } catch (err) {
    const e = err as McpError;
    return { error: { code: e instanceof McpError ? e.code : undefined, message: e.message, data: e instanceof McpError ? e.data : undefined } };
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /\b\d{1,2}:\d{2}:\d{2}(?:\s?[AP]M)?/g;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;
/** server-everything's task ids: 32 random hex digits. */
const HEX_ID = /\b[0-9a-f]{32}\b/g;
/** Its simulated log lines name a random level: "Debug-level message", "Alert level-message". */
const RANDOM_LEVEL = /^\w+[- ]level[- ]message/i;

/** The value with what legitimately differs between two runs (ids, times, random picks) replaced by placeholders. */
function normalize(value: unknown): unknown {
  if (typeof value === "string") return value.replace(UUID, "<uuid>").replace(HEX_ID, "<hex>").replace(ISO, "<iso>").replace(TIME, "<time>");
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // Blobs of text resources embed their creation time: compared decoded.
    if (k === "blob" && typeof v === "string") {
      const text = Buffer.from(v, "base64").toString("utf8");
      out[k] = /^[\x20-\x7e\s]*$/.test(text) ? `<base64:${normalize(text) as string}>` : v;
    } else out[k] = normalize(v);
  }
  return out;
}

function expectSame(result: { direct: unknown; gateway: unknown }, what = "") {
  expect(normalize(result.gateway), what).toEqual(normalize(result.direct));
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP, for what the SDK hides: headers, event ids, streams

/** An initialized raw session: its session header, the initialize result and the headers to send. */
async function rawSession(target: Target, version: string = "2025-11-25") {
  const init = await postRpc(urlOf(target), initializeRequest(1, version), authOf(target));
  expect(init.status, init.text).toBe(200);
  const session = init.headers.get("mcp-session-id")!;
  const headers = { ...authOf(target), "mcp-session-id": session, "mcp-protocol-version": version };
  const initialized = await postRpc(urlOf(target), { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
  expect(initialized.status).toBe(202);
  return { session, init, headers };
}

/** An SSE response read event by event. */
function eventReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const queue: SseEvent[] = [];
  let ended = false;
  async function pump(): Promise<void> {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(buffer.slice(end).match(/^\r?\n\r?\n/)![0].length + end);
      const ev: SseEvent = {};
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const v = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") data.push(v);
        else if (field === "id") ev.id = v;
        else if (field === "event") ev.event = v;
        else if (field === "retry") ev.retry = v;
      }
      if (data.length) ev.data = data.join("\n");
      queue.push(ev);
    }
  }
  return {
    /** The next event with data that matches, or null after timeoutMs / at the end of the stream. */
    async next(match: (message: Record<string, unknown>, ev: SseEvent) => boolean = () => true, timeoutMs = 10_000): Promise<{ ev: SseEvent; message: Record<string, unknown> } | null> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (queue.length) {
          const ev = queue.shift()!;
          if (!ev.data) continue;
          const message = JSON.parse(ev.data) as Record<string, unknown>;
          if (match(message, ev)) return { ev, message };
        }
        if (ended) return null;
        const left = deadline - Date.now();
        if (left <= 0) return null;
        const more = await Promise.race([pump().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), left))]);
        if (!more && queue.length === 0) return null;
      }
    },
    async close() {
      await reader.cancel().catch(() => {});
    },
  };
}

function openGet(target: Target, headers: Record<string, string>, extra: Record<string, string> = {}) {
  return fetch(urlOf(target), { method: "GET", headers: { ...headers, accept: "text/event-stream", ...extra }, signal: AbortSignal.timeout(60_000) });
}

function postStream(target: Target, headers: Record<string, string>, body: unknown) {
  return fetch(urlOf(target), { method: "POST", headers: { ...headers, "content-type": "application/json", accept: ACCEPT_BOTH }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
}

// ---------------------------------------------------------------------------------------------

describe.each(ENTRIES)("server-everything through the %s entry point, compared with direct", (entry) => {
  it.each(VERSIONS)("initialize with protocol %s: the same answer, the same negotiated version", async (version) => {
    const [direct, gateway] = await Promise.all([rawSession("direct", version), rawSession(entry, version)]);
    const d = responseFor(direct.init, 1)!.result!;
    const g = responseFor(gateway.init, 1)!.result!;
    expect(g.protocolVersion).toBe(d.protocolVersion);
    expect(g.protocolVersion).toBe(version);
    expect(normalize(g)).toEqual(normalize(d));
    expect(gateway.init.contentType.split(";")[0]).toBe(direct.init.contentType.split(";")[0]);
    // The gateway's session id is its own sealed token, never the upstream's.
    expect(gateway.session).toMatch(/^s1\./);
    expect(gateway.session).not.toContain(direct.session);
    // The session works at that version: the same tools either way.
    const [dl, gl] = await Promise.all([postRpc(urlOf("direct"), { jsonrpc: "2.0", id: 2, method: "tools/list" }, direct.headers), postRpc(urlOf(entry), { jsonrpc: "2.0", id: 2, method: "tools/list" }, gateway.headers)]);
    expect(normalize(responseFor(gl, 2))).toEqual(normalize(responseFor(dl, 2)));
  });

  it("the SDK client negotiates the same version and sees the same server", async () => {
    const r = await both(entry, async (s) => ({ version: s.transport.protocolVersion, server: s.client.getServerVersion(), caps: s.client.getServerCapabilities(), instructions: s.client.getInstructions() }));
    expectSame(r);
    expect(r.gateway.version).toBeTruthy();
  });

  it("lists the same tools, and every tool answers as it does directly", async () => {
    const r = await both(entry, async (s) => {
      const tools = (await s.client.listTools()).tools;
      const results: Record<string, unknown> = {};
      for (const tool of tools) {
        const args = TOOL_ARGS[tool.name];
        if (!args) continue;
        results[tool.name] = await outcome(s.client.callTool({ name: tool.name, arguments: args }));
        if (TOGGLES.has(tool.name)) results[`${tool.name} (off)`] = await outcome(s.client.callTool({ name: tool.name, arguments: args }));
      }
      return { tools, results };
    }, { sequential: true });
    expect(r.gateway.tools.map((t) => t.name)).toEqual(r.direct.tools.map((t) => t.name));
    expect(r.direct.tools.map((t) => t.name).filter((n) => !TOOL_ARGS[n]), "tools this test has no arguments for").toEqual([]);
    expectSame({ direct: r.direct.tools, gateway: r.gateway.tools }, "tool definitions");
    for (const name of Object.keys(r.direct.results)) expectSame({ direct: r.direct.results[name], gateway: r.gateway.results[name] }, name);
    // The ones that must have worked did.
    expect(r.gateway.results["get-sum"]).toMatchObject({ content: [{ type: "text", text: expect.stringContaining("42") }] });
    expect(r.gateway.results["get-structured-content"]).toMatchObject({ structuredContent: { temperature: expect.any(Number) } });
    expect(r.gateway.results["simulate-research-query"]).toMatchObject({ error: expect.anything() });
  });

  it("prompts: the same list, and each prompt the same", async () => {
    const args: Record<string, Record<string, string>> = {
      "simple-prompt": {},
      "args-prompt": { city: "Lyon", state: "Rhône" },
      "completable-prompt": { department: "Engineering", name: "Alice" },
      "resource-prompt": { resourceType: "Text", resourceId: "3" },
    };
    const r = await both(entry, async (s) => {
      const prompts = (await s.client.listPrompts()).prompts;
      const got: Record<string, unknown> = {};
      for (const p of prompts) got[p.name] = await outcome(s.client.getPrompt({ name: p.name, arguments: args[p.name] ?? {} }));
      return { prompts, got };
    });
    expect(r.direct.prompts.map((p) => p.name).sort()).toEqual(Object.keys(args).sort());
    expectSame(r);
  });

  it("resources: every page of the list, each read, the templates and template reads the same", async () => {
    const r = await both(entry, async (s) => {
      const resources = [];
      let cursor: string | undefined;
      do {
        const page = await s.client.listResources(cursor ? { cursor } : undefined);
        resources.push(...page.resources);
        cursor = page.nextCursor;
      } while (cursor);
      const reads: Record<string, unknown> = {};
      for (const res of resources) reads[res.uri] = await outcome(s.client.readResource({ uri: res.uri }));
      const templates = await s.client.listResourceTemplates();
      for (const uri of ["demo://resource/dynamic/text/5", "demo://resource/dynamic/blob/6", "demo://resource/dynamic/text/0"]) reads[uri] = await outcome(s.client.readResource({ uri }));
      return { resources, reads, templates };
    });
    expect(r.gateway.resources.length).toBeGreaterThan(0);
    expectSame(r);
  });

  it("completion: the same suggestions, with and without context", async () => {
    const r = await both(entry, async (s) => ({
      department: await s.client.complete({ ref: { type: "ref/prompt", name: "completable-prompt" }, argument: { name: "department", value: "S" } }),
      name: await s.client.complete({ ref: { type: "ref/prompt", name: "completable-prompt" }, argument: { name: "name", value: "" }, context: { arguments: { department: "Marketing" } } }),
      template: await outcome(s.client.complete({ ref: { type: "ref/resource", uri: "demo://resource/dynamic/text/{resourceId}" }, argument: { name: "resourceId", value: "1" } })),
    }));
    expect(r.gateway.department.completion.values).toEqual(["Sales", "Support"]);
    expect(r.gateway.name.completion.values).toEqual(["Grace", "Henry", "Iris"]);
    expectSame(r);
  });

  it("ping, and logging/setLevel with the server's log notifications arriving on the standalone GET stream", async () => {
    const r = await both(entry, async (s) => {
      const ping = await s.client.ping();
      const setLevel = await s.client.setLoggingLevel("debug");
      const started = await s.client.callTool({ name: "toggle-simulated-logging", arguments: {} });
      const log = await s.waitFor("notifications/message", (n) => String(n.params?.data).includes("message"));
      await s.client.callTool({ name: "toggle-simulated-logging", arguments: {} });
      return { ping, setLevel, started, log: { level: typeof log.params?.level, data: String(log.params?.data).replace(RANDOM_LEVEL, "<level> message") } };
    });
    expectSame(r);
  });

  it("progress notifications of a long-running call arrive, in order, as directly", async () => {
    const r = await both(entry, async (s) => {
      const progress: { progress: number; total?: number }[] = [];
      const result = await s.client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 0.6, steps: 4 } }, undefined, { onprogress: (p) => void progress.push({ progress: p.progress, total: p.total }) });
      return { result, progress };
    });
    expect(r.gateway.progress).toEqual([1, 2, 3, 4].map((progress) => ({ progress, total: 4 })));
    expectSame(r);
  });

  it("cancellation: notifications/cancelled reaches the server, which drops the call's answer (raw streams)", async () => {
    const run = async (target: Target) => {
      const { headers } = await rawSession(target);
      const call = { jsonrpc: "2.0", id: 40, method: "tools/call", params: { name: "trigger-long-running-operation", arguments: { duration: 2, steps: 4 }, _meta: { progressToken: "p40" } } };
      const res = await postStream(target, headers, call);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const events = eventReader(res);
      const first = await events.next((m) => m.method === "notifications/progress");
      const cancel = await postRpc(urlOf(target), { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 40, reason: "the user changed their mind" } }, headers);
      // The call would have answered 1.5 s later; a cancelled one never does.
      const after = await events.next((m) => m.id === 40, 3000);
      await events.close();
      return { progress: first?.message.params, cancelStatus: cancel.status, answerAfterCancel: after?.message ?? null };
    };
    const [direct, gateway] = await Promise.all([run("direct"), run(entry)]);
    expect(direct).toEqual({ progress: { progress: 1, total: 4, progressToken: "p40" }, cancelStatus: 202, answerAfterCancel: null });
    expect(gateway).toEqual(direct);
  });

  it("cancellation through the SDK: aborting a call rejects it at once on both sides", async () => {
    const r = await both(entry, async (s) => {
      const controller = new AbortController();
      const started = Date.now();
      const result = await outcome(
        s.client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 3, steps: 3 } }, undefined, { signal: controller.signal, onprogress: () => controller.abort("enough") }),
      );
      const ms = Date.now() - started;
      // The session still works after the cancellation.
      const echo = await s.client.callTool({ name: "echo", arguments: { message: "after cancel" } });
      return { result, fast: ms < 2500, echo };
    });
    expect(r.gateway.fast).toBe(true);
    expectSame(r);
  });

  it("sampling: the server's sampling/createMessage reaches the client, and its answer the server", async () => {
    const r = await both(entry, async (s) => ({ result: await s.client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "Name a colour", maxTokens: 20 } }), served: s.served.filter((x) => x.method === "sampling/createMessage") }));
    expect(r.gateway.served).toHaveLength(1);
    expect(JSON.stringify(r.gateway.result)).toContain("sampled: Resource trigger-sampling-request context: Name a colour");
    expectSame(r);
  });

  it("elicitation: form and URL requests reach the client, its answers the server; the -32042 error path passes", async () => {
    const r = await both(entry, async (s) => ({
      form: await s.client.callTool({ name: "trigger-elicitation-request", arguments: {} }),
      url: await s.client.callTool({ name: "trigger-url-elicitation", arguments: { url: "https://example.com/login", elicitationId: "e-1" } }),
      errorPath: await outcome(s.client.callTool({ name: "trigger-url-elicitation", arguments: { url: "https://example.com/pay", elicitationId: "e-2", errorPath: true } })),
      served: s.served.filter((x) => x.method === "elicitation/create"),
    }));
    expect(JSON.stringify(r.gateway.form)).toContain("Ada Lovelace");
    expect(r.gateway.errorPath).toMatchObject({ error: { code: -32042 } });
    expect(r.gateway.served).toHaveLength(2);
    expectSame(r);
  });

  it("roots: the server asks the client for its roots over the GET stream, and uses the answer", async () => {
    const r = await both(entry, async (s) => {
      // server-everything asks 350 ms after initialization; get-roots-list reports what it got.
      await expect.poll(() => s.served.some((x) => x.method === "roots/list"), { timeout: 10_000 }).toBe(true);
      await s.waitFor("notifications/message", (n) => String(n.params?.data).startsWith("Roots updated"));
      return { result: await s.client.callTool({ name: "get-roots-list", arguments: {} }) };
    });
    expect(JSON.stringify(r.gateway.result)).toContain("file:///work/transparency");
    expectSame(r);
  });

  it("list-changed: a new session resource is announced (notifications/resources/list_changed) and listed", async () => {
    const r = await both(entry, async (s) => {
      await s.client.callTool({ name: "gzip-file-as-resource", arguments: { name: "changed.gz", data: DATA_URI } });
      const note = await s.waitFor("notifications/resources/list_changed");
      const listed = (await s.client.listResources()).resources.filter((x) => x.name === "changed.gz");
      return { note, listed, read: await s.client.readResource({ uri: listed[0].uri }) };
    }, { sequential: true });
    expect(r.gateway.listed).toHaveLength(1);
    expectSame(r);
  });

  it("subscriptions: resources/updated notifications for a subscribed resource, none after unsubscribing", async () => {
    const uri = "demo://resource/static/document/architecture.md";
    const r = await both(entry, async (s) => {
      const subscribed = await s.client.subscribeResource({ uri });
      await s.client.callTool({ name: "toggle-subscriber-updates", arguments: {} });
      const updated = await s.waitFor("notifications/resources/updated");
      const unsubscribed = await s.client.unsubscribeResource({ uri });
      await s.client.callTool({ name: "toggle-subscriber-updates", arguments: {} });
      return { subscribed, updated, unsubscribed };
    });
    expect(r.gateway.updated.params).toEqual({ uri });
    expectSame(r);
  });

  it("tasks: a task-augmented call streams its task, statuses and result as directly", async () => {
    const r = await both(
      entry,
      async (s) => {
        const kinds: string[] = [];
        let result: unknown;
        for await (const m of s.client.experimental.tasks.callToolStream({ name: "simulate-research-query", arguments: { topic: "gateways" } }, undefined, { task: { ttl: 60_000 } })) {
          if (kinds[kinds.length - 1] !== m.type) kinds.push(m.type);
          if (m.type === "result") result = m.result;
          if (m.type === "error") result = { error: String(m.error) };
        }
        return { kinds, result };
      },
      { capabilities: { ...CAPABILITIES, tasks: { list: {}, cancel: {} } } },
    );
    expect(r.gateway.kinds[0]).toBe("taskCreated");
    expect(r.gateway.kinds[r.gateway.kinds.length - 1]).toBe("result");
    expectSame(r);
  });

  it("the standalone GET stream opens at once, with the session header, and carries server notifications", async () => {
    const run = async (target: Target) => {
      const { session, headers } = await rawSession(target);
      const started = Date.now();
      const res = await openGet(target, headers);
      const head = { status: res.status, type: res.headers.get("content-type"), session: res.headers.get("mcp-session-id") === session, ms: Date.now() - started };
      const events = eventReader(res);
      await postRpc(urlOf(target), { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "gzip-file-as-resource", arguments: { name: `${target}-get-stream.gz`, data: DATA_URI } } }, headers);
      const note = await events.next((m) => m.method === "notifications/resources/list_changed");
      await events.close();
      return { status: head.status, type: head.type, session: head.session, prompt: head.ms < 2000, note: note?.message, idIsUpstreams: IS_UUID.test(note?.ev.id ?? "") };
    };
    const [direct, gateway] = await Promise.all([run("direct"), run(entry)]);
    expect(direct).toMatchObject({ status: 200, session: true, prompt: true, idIsUpstreams: true });
    expect(gateway).toEqual(direct);
  });

  it("DELETE ends the session upstream: the same answers to the DELETE and to what follows", async () => {
    const run = async (target: Target) => {
      const { headers } = await rawSession(target);
      const del = await fetch(urlOf(target), { method: "DELETE", headers });
      const after = await postRpc(urlOf(target), { jsonrpc: "2.0", id: 9, method: "tools/list" }, headers);
      return { del: del.status, after: after.status, afterBody: normalize(after.messages[0]) };
    };
    const [direct, gateway] = await Promise.all([run("direct"), run(entry)]);
    expect(direct.del).toBe(200);
    expect(gateway).toEqual(direct);
  });

  it("resumption: reconnecting the GET stream with Last-Event-ID replays what was missed, with the upstream's event ids unchanged", async () => {
    const run = async (target: Target) => {
      const { headers } = await rawSession(target);
      const gzip = (id: number, name: string) => postRpc(urlOf(target), { jsonrpc: "2.0", id, method: "tools/call", params: { name: "gzip-file-as-resource", arguments: { name, data: DATA_URI } } }, headers);
      const first = await openGet(target, headers);
      const live = eventReader(first);
      await gzip(11, `${target}-one.gz`);
      const seen = await live.next((m) => m.method === "notifications/resources/list_changed");
      await live.close();
      // Let the server see the stream go before the next event, so that it is only stored.
      await new Promise((r) => setTimeout(r, 300));
      await gzip(12, `${target}-two.gz`);
      const resumed = await openGet(target, headers, { "last-event-id": seen!.ev.id! });
      const replay = eventReader(resumed);
      const missed = await replay.next((m) => m.method === "notifications/resources/list_changed");
      await replay.close();
      return { status: resumed.status, seenId: seen!.ev.id!, missedId: missed?.ev.id ?? null, missed: missed?.message ?? null };
    };
    const [direct, gateway] = await Promise.all([run("direct"), run(entry)]);
    for (const r of [direct, gateway]) {
      expect(r.status).toBe(200);
      // server-everything's event ids are UUIDs from its event store; the upstream found the one
      // the client sent back, so the gateway passed it on exactly as it came.
      expect(r.seenId).toMatch(IS_UUID);
      expect(r.missedId).toMatch(IS_UUID);
      expect(r.missedId).not.toBe(r.seenId);
    }
    expect(gateway.missed).toEqual(direct.missed);
  });
});
