import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createGatewayHandler } from "../http/handler";
import { nodeRequest, nodeResponse } from "../http/io";
import { compilePolicy, validatePolicy, type ToolInfo } from "../policy";
import { MemoryRateLimiter } from "../ratelimit";
import { SessionHistory } from "../enforce/session-history";
import { DriftGuard } from "../inventory/drift-guard";
import { definitionHash, type ToolDefinition } from "../inventory/definition";
import type { ToolInventory } from "../inventory/drift";
import type { AuditEvent, GatewayStore, GrantRecord, PolicyHandle, UpstreamConfig } from "../ports";
import { SessionSealer } from "./session-token";
import type { GatewayDeps } from "./context";

// Complete mediation as a property (issue 13): over generated exchanges — single messages and
// batches, repeated and clashing ids, id-less calls, params of every wrong type, hidden, denied,
// drifted and unknown tools, with and without a protocol version — nothing that policy governs
// reaches the upstream undecided:
//   - every tools/call the upstream receives has an id and a name policy allowed (or is a
//     stand-in for a hidden or unknown tool), and an audit event of this exchange names its id;
//   - no batch the upstream receives has two requests with one id;
//   - every tools/call the client sent is audited exactly once;
//   - no hidden or drifted tool, and no stand-in name, appears in any answer.
const RUNS = Number(process.env.TOOLGATE_MEDIATION_RUNS ?? 1000);

const TOOLS: ToolDefinition[] = [
  { name: "echo", description: "Echo", inputSchema: { type: "object" } },
  { name: "danger", description: "Deletes", inputSchema: { type: "object" } },
  { name: "secret_key", description: "Hidden by policy", inputSchema: { type: "object" } },
  { name: "redefined", description: "Changed since review", inputSchema: { type: "object" } },
  { name: "newcomer", description: "New since the sync", inputSchema: { type: "object" } },
];
/** What was reviewed: newcomer is not there; redefined was reviewed with another description. */
const PINNED = new Map([
  ["echo", TOOLS[0]],
  ["danger", TOOLS[1]],
  ["secret_key", TOOLS[2]],
  ["redefined", { ...TOOLS[3], description: "A harmless report" }],
]);
const NEVER_SEEN = ["newcomer", "redefined", "secret_key"];

const grant: GrantRecord = { id: "gnt_1", orgId: "org_1", serverId: "srv_1", label: "prop", metadata: {}, policyId: "pol_1", auditArgumentValues: false };
let upstreamUrl = "";
/** Each POST body the upstream received, parsed. */
const received: unknown[] = [];
const events: AuditEvent[] = [];
let gateway: http.Server;
let upstream: http.Server;
let gatewayUrl = "";

function store(): GatewayStore {
  const checked = validatePolicy({ version: "1", default: "allow", hide: ["secret_*"], tools: { danger: { action: "deny", on_deny: "no" } } });
  if (!checked.ok) throw new Error("bad policy");
  const policy: PolicyHandle = { policyId: "pol_1", version: 1, compiled: compilePolicy(checked.policy) };
  const info = new Map<string, ToolInfo>([...PINNED.keys()].map((n) => [n, { category: "Read", level: "low", pendingReview: false }] as const));
  const pinned = new Map<string, { hash: string; pendingReview: boolean }>([...PINNED].map(([n, t]) => [n, { hash: definitionHash(t), pendingReview: false }]));
  const inventory: ToolInventory = { review: true, baseline: true, tools: pinned };
  return {
    grantByToken: async (t) => (t === "tgg_prop" ? grant : null),
    server: async (): Promise<UpstreamConfig> => ({ serverId: "srv_1", orgId: "org_1", url: upstreamUrl, transport: "streamable_http", headers: {}, policyId: "pol_1" }),
    policy: async () => policy,
    toolInfo: async (_s, tool) => info.get(tool),
    inventory: async () => inventory,
    // As lib/servers/record-drift.ts does on a server that asks for review: drifted tools wait for it.
    recordDrift: async (_s, drift) => {
      for (const t of drift.tools) {
        pinned.set(t.name, { hash: definitionHash(t), pendingReview: true });
        info.set(t.name, { category: "Read", level: "low", pendingReview: true });
      }
    },
  };
}

/** A server with every tool of TOOLS: answers lists and calls, one JSON answer per POST. */
function answer(message: unknown): unknown {
  const m = message as { id?: unknown; method?: string; params?: { name?: unknown } };
  if (m.id === undefined || typeof m.method !== "string") return undefined;
  if (m.method === "tools/list") return { jsonrpc: "2.0", id: m.id, result: { tools: TOOLS } };
  if (m.method === "tools/call") {
    const name = String(m.params?.name);
    const known = TOOLS.some((t) => t.name === name);
    return { jsonrpc: "2.0", id: m.id, result: known ? { content: [{ type: "text", text: `ran ${name}` }] } : { content: [{ type: "text", text: `MCP error -32602: Tool ${name} not found` }], isError: true } };
  }
  return { jsonrpc: "2.0", id: m.id, result: {} };
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const body = JSON.parse(text) as unknown;
      received.push(body);
      const out = Array.isArray(body) ? body.map(answer).filter((a) => a !== undefined) : answer(body);
      if (out === undefined || (Array.isArray(out) && out.length === 0)) return void res.writeHead(202).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`;
  const s = store();
  const deps: GatewayDeps = {
    store: s,
    limiter: new MemoryRateLimiter(),
    audit: { record: (e) => void events.push(e) },
    sealer: new SessionSealer("x".repeat(32)),
    history: new SessionHistory(),
    drift: new DriftGuard(s, () => {}),
    options: { maxBodyBytes: 1 << 20, maxUpstreamBodyBytes: 1 << 22, upstreamTimeoutMs: 5000, allowedOrigins: [] },
  };
  const handle = createGatewayHandler(deps);
  gateway = http.createServer((req, res) => void handle(nodeRequest(req, res), nodeResponse(res)));
  await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", r));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/mcp/srv_1`;
  // The upstream redefined a reviewed tool and added one: the first list that passes catches it
  // (before any list, the gateway cannot know that a pinned tool changed: docs/tool-drift.md).
  const first = await post({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  expect(listedNames(await first.text()).sort()).toEqual(["danger", "echo"]);
});

function post(body: unknown, version?: string) {
  return fetch(gatewayUrl, {
    method: "POST",
    headers: { authorization: "Bearer tgg_prop", "content-type": "application/json", accept: "application/json, text/event-stream", ...(version ? { "mcp-protocol-version": version } : {}) },
    body: JSON.stringify(body),
  });
}
afterAll(async () => {
  await new Promise((r) => gateway?.close(r));
  await new Promise((r) => upstream?.close(r));
});

const id = fc.constantFrom<unknown>(1, 2, "1", "a", 0, undefined);
const name = fc.constantFrom<unknown>("echo", "danger", "secret_key", "redefined", "newcomer", "no_such_tool", "", 7, null, undefined);
const args = fc.constantFrom<unknown>({}, { message: "x" }, [], "x", null, undefined);
const params = fc.oneof(
  fc.record({ name, arguments: args }, { requiredKeys: [] }),
  fc.constant(["echo"]),
  fc.constant(undefined),
);
const method = fc.constantFrom("tools/call", "tools/call", "tools/call", "tools/list", "ping", "notifications/initialized", "resources/list");
const message = fc.record({ id, method, params }).map(({ id, method, params }) => {
  const m: Record<string, unknown> = { jsonrpc: "2.0", method };
  if (id !== undefined) m.id = id;
  if (params !== undefined) m.params = params;
  return m;
});
const exchange = fc.record({
  body: fc.oneof(message, fc.array(message, { minLength: 1, maxLength: 5 })),
  version: fc.constantFrom<string | undefined>(undefined, "2025-03-26", "2025-06-18", "2025-11-25"),
});

const requestsIn = (body: unknown) => (Array.isArray(body) ? body : [body]) as { id?: unknown; method?: string; params?: { name?: unknown } }[];

describe("complete mediation over generated exchanges", () => {
  it(`holds for ${RUNS} exchanges`, async () => {
    await fc.assert(
      fc.asyncProperty(exchange, async ({ body, version }) => {
        const upstreamBefore = received.length;
        const eventsBefore = events.length;
        const res = await post(body, version);
        const text = await res.text();
        const mine = events.slice(eventsBefore);
        for (const forwarded of received.slice(upstreamBefore)) {
          const items = requestsIn(forwarded);
          const ids = items.filter((m) => m.id !== undefined && typeof m.method === "string").map((m) => JSON.stringify(m.id));
          expect(new Set(ids).size, `duplicate ids reached the upstream: ${JSON.stringify(forwarded)}`).toBe(ids.length);
          for (const m of items.filter((i) => i.method === "tools/call")) {
            expect(m.id, `an id-less tools/call reached the upstream: ${JSON.stringify(m)}`).toBeDefined();
            const tool = m.params?.name;
            expect(typeof tool === "string" && tool !== "", JSON.stringify(m)).toBe(true);
            const standIn = (tool as string).startsWith("toolgate-unknown-tool-");
            expect(standIn || tool === "echo", `${String(tool)} reached the upstream`).toBe(true);
            const audited = mine.filter((e) => e.requestId === String(m.id) && e.decision === (standIn ? "hide" : "allow"));
            expect(audited, `no audit event for ${JSON.stringify(m)}`).toHaveLength(1);
          }
        }
        const sentCalls = requestsIn(body).filter((m) => m.method === "tools/call").length;
        expect(mine.filter((e) => e.method === "tools/call"), `audit events for ${JSON.stringify(body)} → ${res.status} ${text}`).toHaveLength(sentCalls);
        for (const hiddenName of NEVER_SEEN) expect(listedNames(text), text).not.toContain(hiddenName);
        expect(text).not.toContain("toolgate-unknown-tool-");
      }),
      { numRuns: RUNS, seed: 20261207 },
    );
  });
});

/** Names of tools in any list an answer carries. */
function listedNames(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).flatMap((m) => ((m as { result?: { tools?: { name: string }[] } })?.result?.tools ?? []).map((t) => t.name));
}
