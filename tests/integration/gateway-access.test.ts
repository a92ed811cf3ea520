import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayEnv, textOf, type EntryPoint, type GatewayEnv } from "../helpers/gateway-env";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";

// Who may use the gateway, and how it answers what it will not serve: wrong or revoked tokens,
// other tenants, foreign sessions, bad requests, policy changes on the next request, the audit.
const ALLOW_ECHO = { version: "1", default: "deny", tools: { echo: {} } };
const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

let env: GatewayEnv;
let upstream: TestUpstream;
let orgA: string;
let orgB: string;
let serverA: string;
let serverB: string;

beforeAll(async () => {
  upstream = await startTestUpstream();
  env = await startGatewayEnv({ entries: ["fast", "next"] });
  orgA = (await env.newOrg()).orgId;
  orgB = (await env.newOrg()).orgId;
  serverA = await env.addServer(orgA, upstream.url);
  serverB = await env.addServer(orgB, upstream.url);
  await env.publish(orgA, ALLOW_ECHO, { serverId: serverA });
  await env.publish(orgB, ALLOW_ECHO, { serverId: serverB });
});
afterAll(async () => {
  await env?.stop();
  await upstream?.close();
});

function post(entry: EntryPoint, serverId: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(env.gatewayUrl(entry, serverId), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe.each(["fast", "next"] as EntryPoint[])("access through the %s entry point", (entry) => {
  it("401 with WWW-Authenticate without a token, with a wrong one, or from the query string", async () => {
    for (const headers of [{}, { authorization: "Bearer tgg_wrong" }, { authorization: "Basic abc" }] as Record<string, string>[]) {
      const r = await post(entry, serverA, INIT, headers);
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const { token } = await env.grant(orgA, serverA);
    const q = await fetch(`${env.gatewayUrl(entry, serverA)}?access_token=${token}`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify(INIT) });
    expect(q.status).toBe(401);
  });

  it("the same 401 for another org's server, another server of the org, and an unknown server", async () => {
    const { token } = await env.grant(orgA, serverA);
    const auth = { authorization: `Bearer ${token}` };
    const bodies = await Promise.all([serverB, "srv_doesnotexist"].map(async (s) => {
      const r = await post(entry, s, INIT, auth);
      expect(r.status).toBe(401);
      return r.text();
    }));
    expect(new Set(bodies).size).toBe(1);
    const ok = await post(entry, serverA, INIT, auth);
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it("a revoked grant stops on the next request", async () => {
    const { id, token } = await env.grant(orgA, serverA, "to-revoke");
    const client = await env.connect(entry, serverA, token);
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "before" } }))).toBe("before");
    const { revokeGrant } = await import("../../lib/grants/grants");
    await revokeGrant(env.db, { type: "system", id: null, label: "test" }, orgA, id);
    await expect.poll(async () => (await post(entry, serverA, INIT, { authorization: `Bearer ${token}` })).status, { timeout: 2000, interval: 20 }).toBe(401);
  });

  it("a session of one grant is refused for another grant", async () => {
    const x = await env.grant(orgA, serverA, "x");
    const y = await env.grant(orgA, serverA, "y");
    const init = await post(entry, serverA, INIT, { authorization: `Bearer ${x.token}` });
    const session = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    expect(session).toMatch(/^s1\./);
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const asY = await post(entry, serverA, list, { authorization: `Bearer ${y.token}`, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" });
    expect(asY.status).toBe(404);
    const forged = await post(entry, serverA, list, { authorization: `Bearer ${x.token}`, "mcp-session-id": "s1.forged", "mcp-protocol-version": "2025-06-18" });
    expect(forged.status).toBe(404);
  });

  it("rejects bad requests with the status the spec gives", async () => {
    const { token } = await env.grant(orgA, serverA);
    const auth = { authorization: `Bearer ${token}` };
    const bad = await post(entry, serverA, "{not json", auth);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe(-32700);
    expect((await post(entry, serverA, INIT, { ...auth, "content-type": "text/plain" })).status).toBe(415);
    expect((await post(entry, serverA, INIT, { ...auth, accept: "application/json" })).status).toBe(406);
    expect((await post(entry, serverA, { jsonrpc: "1.0", id: 1, method: "x" }, auth)).status).toBe(400);
    expect((await post(entry, serverA, [], auth)).status).toBe(400);
    const big = await post(entry, serverA, JSON.stringify({ ...INIT, pad: "x".repeat(5 * 1024 * 1024) }), auth);
    expect(big.status).toBe(413);
    expect((await post(entry, serverA, INIT, { ...auth, origin: "https://evil.example" })).status).toBe(403);
    const put = await fetch(env.gatewayUrl(entry, serverA), { method: "PUT", headers: auth });
    expect(put.status).toBe(405);
  });

  it("applies a newly published policy on the next request", async () => {
    const serverC = await env.addServer(orgA, upstream.url);
    const policyId = await env.publish(orgA, ALLOW_ECHO, { serverId: serverC });
    const { token } = await env.grant(orgA, serverC);
    const client = await env.connect(entry, serverC, token);
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "v1" } }))).toBe("v1");
    await env.publish(orgA, { version: "1", default: "deny", tools: { echo: { action: "deny", on_deny: "echo is off" } } }, { policyId });
    await expect
      .poll(async () => textOf(await client.callTool({ name: "echo", arguments: { message: "v2" } })), { timeout: 2000, interval: 20 })
      .toBe("[POLICY DENIED] echo is off (rule /tools/echo/action)");
  });
});

describe("replicas", () => {
  it("a session opened on one replica is served by another (no sticky routing)", async () => {
    const { token } = await env.grant(orgA, serverA, "roaming");
    const auth = { authorization: `Bearer ${token}` };
    const init = await post("fast", serverA, INIT, auth);
    const session = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    const headers = { ...auth, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
    const note = await post("next", serverA, { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
    expect(note.status).toBe(202);
    const call = await post("next", serverA, { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "echo", arguments: { message: "across" } } }, headers);
    expect(call.status).toBe(200);
    expect(await call.text()).toContain('"text":"across"');
  });
});

describe("the audit trail", () => {
  it("records each governed call with decision, rule, version and argument names only", async () => {
    const { id: grantId, token } = await env.grant(orgA, serverA, "audited");
    const client = await env.connect("fast", serverA, token);
    await client.callTool({ name: "echo", arguments: { message: "secret value" } });
    await client.callTool({ name: "delete_file", arguments: { path: "/x" } });
    await expect.poll(() => env.db.auditEvent.count({ where: { grantId } }), { timeout: 5000 }).toBe(2);
    const events = await env.db.auditEvent.findMany({ where: { grantId }, orderBy: { time: "asc" } });
    expect(events[0]).toMatchObject({ tool: "echo", decision: "allow", method: "tools/call", policyVersion: 1, argKeys: ["message"], args: null, upstreamStatus: 200, orgId: orgA, serverId: serverA });
    expect(events[0].latencyMs).toBeGreaterThan(0);
    expect(events[0].sessionId).toMatch(/^ses_/);
    expect(events[1]).toMatchObject({ tool: "delete_file", decision: "deny", rulePointer: "/default" });
    expect(JSON.stringify(events)).not.toContain("secret value");
  });
});
