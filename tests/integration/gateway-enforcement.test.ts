import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayEnv, textOf, type EntryPoint, type GatewayEnv } from "../helpers/gateway-env";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";

// Policies enforced on real MCP traffic: the SDK client → Toolgate (both entry points: the fast
// path of `npm start`, and Next's route-handler adapter) → a real SDK server.
const SEED = {
  version: "1",
  default: "deny",
  hide: ["internal_*"],
  tools: {
    echo: { max_per_session: 3 },
    start_dicom_import_job: { limits: [{ counter: "start_dicom_import_job_rate", window: "minute", max: 10, scope: "grant" }] },
    create_charge: {
      require: [{ path: "args.currency", op: "in", value: ["usd", "eur"] }],
      deny_if: [{ path: "args.amount", op: "gt", value: 10000 }],
      on_deny: "charges over 10,000 or in other currencies need finance",
    },
    fail_tool: { limits: [{ counter: "fail_rate", window: "hour", max: 2, scope: "grant" }] },
  },
};

let env: GatewayEnv;
let upstream: TestUpstream;
let orgId: string;
let serverId: string;

beforeAll(async () => {
  upstream = await startTestUpstream();
  env = await startGatewayEnv({ entries: ["fast", "next"] });
  ({ orgId } = await env.newOrg());
  serverId = await env.addServer(orgId, upstream.url, { "X-Api-Key": "upstream-secret" });
  await env.publish(orgId, SEED, { serverId });
});
afterAll(async () => {
  await env?.stop();
  await upstream?.close();
});

describe.each(["fast", "next"] as EntryPoint[])("through the %s entry point", (entry) => {
  it("lists only what is not hidden, and forwards allowed calls unchanged", async () => {
    const { token } = await env.grant(orgId, serverId, `agent-${entry}`);
    const client = await env.connect(entry, serverId, token);
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toContain("echo");
    expect(names).toContain("delete_file");
    expect(names).not.toContain("internal_debug");
    const before = upstream.calls.length;
    const r = await client.callTool({ name: "echo", arguments: { message: `hi ${entry}` } });
    expect(textOf(r)).toBe(`hi ${entry}`);
    expect(r.isError).toBeFalsy();
    const forwarded = upstream.calls.slice(before);
    expect(forwarded.map((c) => c.tool)).toEqual(["echo"]);
    // Upstream credentials injected; the client's token never forwarded.
    expect(forwarded[0].headers["x-api-key"]).toBe("upstream-secret");
    expect(forwarded[0].headers.authorization).toBeUndefined();
    expect(JSON.stringify(upstream.requests)).not.toContain(token);
  });

  it("seed policy: 10 imports a minute pass, the 11th is rate-limited with a retry time", async () => {
    const { token } = await env.grant(orgId, serverId, `importer-${entry}`);
    const client = await env.connect(entry, serverId, token);
    for (let i = 0; i < 10; i++) {
      const r = await client.callTool({ name: "start_dicom_import_job", arguments: {} });
      expect(r.isError, `call ${i + 1}`).toBeFalsy();
    }
    const eleventh = await client.callTool({ name: "start_dicom_import_job", arguments: {} });
    expect(eleventh.isError).toBe(true);
    expect(textOf(eleventh)).toMatch(/^\[POLICY DENIED\] rate limit `start_dicom_import_job_rate` reached: at most 10 calls per minute per grant, resets in \d+ seconds?/);
    const meta = (eleventh._meta as Record<string, { effect: string; retryAfterSeconds: number; rule: string }>)["toolgate/decision"];
    expect(meta.effect).toBe("rate_limited");
    expect(meta.retryAfterSeconds).toBeGreaterThan(0);
    expect(meta.rule).toBe("/tools/start_dicom_import_job/limits/0");
  });

  it("denies unlisted tools by default, without reaching the upstream", async () => {
    const { token } = await env.grant(orgId, serverId, `deny-${entry}`);
    const client = await env.connect(entry, serverId, token);
    const before = upstream.calls.length;
    const r = await client.callTool({ name: "delete_file", arguments: { path: "/etc/passwd" } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^\[POLICY DENIED\] .*\(rule \/default\)$/);
    expect(upstream.calls.length).toBe(before);
  });

  it("answers a hidden tool as an unknown one", async () => {
    const { token } = await env.grant(orgId, serverId, `hidden-${entry}`);
    const client = await env.connect(entry, serverId, token);
    // Exactly what the server answers for a tool it does not have (issue 13: hidden means unknown).
    const hidden = await client.callTool({ name: "internal_debug", arguments: {} });
    const missing = await client.callTool({ name: "internal_gone_entirely", arguments: {} });
    expect(hidden).toEqual({ content: [{ type: "text", text: "MCP error -32602: Tool internal_debug not found" }], isError: true });
    expect(JSON.stringify(missing).replaceAll("internal_gone_entirely", "internal_debug")).toBe(JSON.stringify(hidden));
  });

  it("applies require and deny_if on arguments with the rule's message", async () => {
    const { token } = await env.grant(orgId, serverId, `charges-${entry}`);
    const client = await env.connect(entry, serverId, token);
    expect(textOf(await client.callTool({ name: "create_charge", arguments: { amount: 50, currency: "usd" } }))).toBe("charged 50 usd");
    const big = await client.callTool({ name: "create_charge", arguments: { amount: 20000, currency: "usd" } });
    expect(textOf(big)).toBe("[POLICY DENIED] charges over 10,000 or in other currencies need finance (rule /tools/create_charge/deny_if/0)");
    const yen = await client.callTool({ name: "create_charge", arguments: { amount: 5, currency: "jpy" } });
    expect(textOf(yen)).toMatch(/\(rule \/tools\/create_charge\/require\/0\)$/);
  });

  it("session history: the first calls of a new session pass, the one over max_per_session is denied", async () => {
    const { token } = await env.grant(orgId, serverId, `session-${entry}`);
    const client = await env.connect(entry, serverId, token);
    for (let i = 0; i < 3; i++) expect(textOf(await client.callTool({ name: "echo", arguments: { message: `m${i}` } }))).toBe(`m${i}`);
    const fourth = await client.callTool({ name: "echo", arguments: { message: "m3" } });
    expect(textOf(fourth)).toMatch(/^\[POLICY DENIED\] .*\(rule \/tools\/echo\/max_per_session\)$/);
    // A new session starts counting from zero.
    const again = await env.connect(entry, serverId, token);
    expect(textOf(await again.callTool({ name: "echo", arguments: { message: "fresh" } }))).toBe("fresh");
  });

  it("keeps the quota of a call that ran and failed (isError): the tool may have done its work", async () => {
    const { token } = await env.grant(orgId, serverId, `fail-${entry}`);
    const client = await env.connect(entry, serverId, token);
    // max 2 an hour (no window boundary between the calls): two failures reach the upstream, the third is refused by the limit.
    const before = upstream.calls.filter((c) => c.tool === "fail_tool").length;
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) texts.push(textOf(await client.callTool({ name: "fail_tool", arguments: {} })));
    expect(texts.slice(0, 2).every((t) => !t.includes("POLICY DENIED"))).toBe(true);
    expect(texts[2]).toMatch(/^\[POLICY DENIED\] rate limit `fail_rate` reached/);
    expect(upstream.calls.filter((c) => c.tool === "fail_tool").length - before).toBe(2);
  });
});
