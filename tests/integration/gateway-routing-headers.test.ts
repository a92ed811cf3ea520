import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayEnv, textOf, type EntryPoint, type GatewayEnv } from "../helpers/gateway-env";
import { startAuthForwarder, type AuthForwarder } from "../helpers/auth-forwarder";
import { formatConformance, runConformance, type ConformanceRun } from "../helpers/conformance";
import { postRpc } from "../helpers/gateway-wire";
import { DUAL_ERA_TOOLS, startDualEraServer, type DualEraServer } from "../fixtures/dual-era-server";
import { syncServerTools } from "../../lib/servers/sync-tools";
import { checkRoutingHeaders } from "../../gateway/http/routing-headers";

// Issue 13 §4: under MCP 2026-07-28 a request's routing headers (MCP-Protocol-Version, Mcp-Method,
// Mcp-Name, Mcp-Param-*) must agree with its body, and whatever reads the body must refuse a
// request where they do not (HTTP 400, JSON-RPC -32020). The official scenarios
// (@modelcontextprotocol/conformance 0.2.x, on Node 22) pass through Toolgate, on both entry
// points, in front of an upstream that checks nothing itself:
//
//   conformance 0.2.x → auth forwarder (+ Bearer grant token) → Toolgate /mcp/<serverId> → dual-era fixture
const ENTRIES: EntryPoint[] = ["fast", "next"];
const SCENARIOS = ["http-header-validation", "http-custom-header-server-validation"] as const;
/** The checks of each scenario that a request be refused (HTTP 400, and its -32020 "…ErrorCode" twin). */
const REFUSALS: Record<(typeof SCENARIOS)[number], number> = { "http-header-validation": 10, "http-custom-header-server-validation": 6 };
const SPEC = "2026-07-28";
const RUN = { suite: "next" as const, specVersion: SPEC, timeoutMs: 90_000 };
const META = { "io.modelcontextprotocol/protocolVersion": SPEC, "io.modelcontextprotocol/clientInfo": { name: "routing-headers-test", version: "1.0.0" }, "io.modelcontextprotocol/clientCapabilities": {} };

let env: GatewayEnv;
let upstream: DualEraServer;
let serverId: string;
let grantId: string;
let token: string;
const forwarders: AuthForwarder[] = [];

beforeAll(async () => {
  upstream = await startDualEraServer();
  env = await startGatewayEnv({ entries: ENTRIES });
  const { orgId, actor } = await env.newOrg();
  serverId = await env.addServer(orgId, upstream.url);
  // The inventory holds the tools' input schemas: where the gateway learns which Mcp-Param-* headers a tool declares.
  const sync = await syncServerTools(env.db, actor, orgId, serverId);
  expect(sync.added.sort()).toEqual(Object.keys(DUAL_ERA_TOOLS).sort());
  await env.publish(orgId, { version: "1", default: "allow" }, { serverId });
  ({ id: grantId, token } = await env.grant(orgId, serverId, "routing-headers"));
});
afterAll(async () => {
  await Promise.allSettled(forwarders.map((f) => f.close()));
  await env?.stop();
  await upstream?.close();
});

async function through(entry: EntryPoint): Promise<string> {
  const fwd = await startAuthForwarder({ target: env.gatewayUrl(entry, serverId), token });
  forwarders.push(fwd);
  return fwd.url;
}

function only(run: ConformanceRun, scenario: string) {
  expect(run.timedOut, run.output.slice(-2000)).toBe(false);
  expect(run.scenarios.map((s) => s.name)).toEqual([scenario]);
  return run.scenarios[0];
}

const refusals = (run: ConformanceRun) => run.scenarios[0].checks.filter((c) => c.name.startsWith("ServerRejects"));

describe("the upstream fixture", () => {
  it("checks no routing header itself: against it directly, every scenario's rejection checks fail", { timeout: 240_000 }, async () => {
    for (const scenario of SCENARIOS) {
      const run = await runConformance(upstream.url, { ...RUN, scenario });
      const s = only(run, scenario);
      expect(s.passed, formatConformance(run)).toBe(false);
      // What fails is exactly the refusals (400 / -32020): it serves every request, agreeing or not.
      expect(refusals(run)).toHaveLength(REFUSALS[scenario]);
      expect(refusals(run).filter((c) => c.status === "SUCCESS")).toEqual([]);
      expect(s.checks.filter((c) => !c.name.startsWith("ServerRejects") && c.status !== "SUCCESS")).toEqual([]);
    }
  });
});

describe.each(ENTRIES)("through the %s entry point", (entry) => {
  it.each(SCENARIOS)("%s (conformance 0.2.x, --spec-version 2026-07-28) passes, and no disagreeing request reached the upstream", { timeout: 240_000 }, async (scenario) => {
    const seen = upstream.received.length;
    const run = await runConformance(await through(entry), { ...RUN, scenario });
    const s = only(run, scenario);
    expect(s.passed, formatConformance(run)).toBe(true);
    expect(s.failed).toBe(0);
    // The -32020 code is only a WARNING in some checks when missing: the gateway sends it, so none.
    expect(s.checks.filter((c) => c.status !== "SUCCESS"), formatConformance(run)).toEqual([]);
    expect(refusals(run)).toHaveLength(REFUSALS[scenario]);
    // What the gateway let through agreed with its body, and carried the headers on.
    const forwarded = upstream.received.slice(seen);
    expect(forwarded.length).toBeGreaterThan(0);
    for (const { headers, body } of forwarded) {
      const lookup = (n: string) => (Array.isArray(headers[n]) ? (headers[n] as string[]).join(", ") : (headers[n] as string | undefined));
      const tool = (body as { params?: { name?: string } }).params?.name;
      const schema = DUAL_ERA_TOOLS[tool as keyof typeof DUAL_ERA_TOOLS];
      expect(checkRoutingHeaders(lookup, body, schema), JSON.stringify({ headers, body })).toBeNull();
      expect(headers["mcp-method"]).toBe((body as { method: string }).method);
    }
  });

  it("a tools/call whose Mcp-Name disagrees is answered 400 / -32020 with its id, not forwarded, and audited as denied by no rule", async () => {
    const id = `mismatch-${entry}-${Date.now()}`;
    const calls = upstream.calls.length;
    const a = await postRpc(
      env.gatewayUrl(entry, serverId),
      { jsonrpc: "2.0", id, method: "tools/call", params: { name: "execute_sql", arguments: { region: "eu-west1", query: "DROP TABLE users" }, _meta: META } },
      { authorization: `Bearer ${token}`, "mcp-protocol-version": SPEC, "mcp-method": "tools/call", "mcp-name": "echo", "mcp-param-region": "eu-west1" },
    );
    expect(a.status).toBe(400);
    expect(a.messages).toEqual([
      { jsonrpc: "2.0", id, error: { code: -32020, message: 'Header mismatch: the Mcp-Name header names "echo" but the body\'s params.name is "execute_sql"', data: { header: "Mcp-Name" } } },
    ]);
    expect(upstream.calls.length).toBe(calls);
    await expect.poll(() => env.db.auditEvent.findMany({ where: { grantId, requestId: id } }), { timeout: 10_000 }).toHaveLength(1);
    const [event] = await env.db.auditEvent.findMany({ where: { grantId, requestId: id } });
    expect(event).toMatchObject({ serverId, method: "tools/call", tool: "execute_sql", decision: "deny", rulePointer: null, policyVersion: null, upstreamStatus: null, argKeys: ["region", "query"] });
    expect(event.message).toMatch(/^refused before policy: Header mismatch: the Mcp-Name header/);
  });

  it("an Mcp-Param header that disagrees with the argument is refused, from the tool's schema in the inventory", async () => {
    const id = `param-${entry}-${Date.now()}`;
    const calls = upstream.calls.length;
    const a = await postRpc(
      env.gatewayUrl(entry, serverId),
      { jsonrpc: "2.0", id, method: "tools/call", params: { name: "execute_sql", arguments: { region: "eu-west1", priority: 3 }, _meta: META } },
      { authorization: `Bearer ${token}`, "mcp-protocol-version": SPEC, "mcp-method": "tools/call", "mcp-name": "execute_sql", "mcp-param-region": "us-west1", "mcp-param-priority": "3" },
    );
    expect(a.status).toBe(400);
    expect(a.messages[0]).toMatchObject({ id, error: { code: -32020, data: { header: "Mcp-Param-Region" } } });
    expect(upstream.calls.length).toBe(calls);
    await expect.poll(() => env.db.auditEvent.count({ where: { grantId, requestId: id, decision: "deny" } }), { timeout: 10_000 }).toBe(1);
  });

  it("a request whose headers agree is forwarded with them, Base64-encoded values and all", async () => {
    const id = `agree-${entry}-${Date.now()}`;
    const seen = upstream.received.length;
    const a = await postRpc(
      env.gatewayUrl(entry, serverId),
      { jsonrpc: "2.0", id, method: "tools/call", params: { name: "execute_sql", arguments: { region: "Zürich", query: "SELECT 1", priority: 2 }, _meta: META } },
      {
        authorization: `Bearer ${token}`,
        "mcp-protocol-version": SPEC,
        "mcp-method": "tools/call",
        "mcp-name": "execute_sql",
        "mcp-param-region": `=?base64?${Buffer.from("Zürich").toString("base64")}?=`,
        "mcp-param-priority": "2",
      },
    );
    expect(a.status, a.text).toBe(200);
    expect(textOf((a.messages[0] as { result: unknown }).result)).toBe('ran "SELECT 1" in Zürich');
    const arrived = upstream.received.slice(seen).find((r) => (r.body as { id?: unknown }).id === id);
    expect(arrived?.headers).toMatchObject({
      "mcp-protocol-version": SPEC,
      "mcp-method": "tools/call",
      "mcp-name": "execute_sql",
      "mcp-param-region": `=?base64?${Buffer.from("Zürich").toString("base64")}?=`,
      "mcp-param-priority": "2",
    });
    expect(arrived?.headers.authorization).toBeUndefined();
  });

  it("a client of an older revision, which sends none of these headers, is served as before", async () => {
    const client = await env.connect(entry, serverId, token);
    const result = await client.callTool({ name: "execute_sql", arguments: { region: "us-west1", query: "SELECT 2" } });
    expect(textOf(result)).toBe('ran "SELECT 2" in us-west1');
    expect(client.getServerVersion()?.name).toBe("toolgate-dual-era-fixture");
  });
});
