import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayEnv, type EntryPoint, type GatewayEnv } from "../helpers/gateway-env";
import { startConformanceServer, type ConformanceServer } from "../fixtures/conformance-server";
import { startAuthForwarder, type AuthForwarder } from "../helpers/auth-forwarder";
import { ACTIVE_SERVER_SCENARIOS, PENDING_SERVER_SCENARIOS, compareConformance, formatConformance, passedScenarios, runConformance, type ConformanceRun } from "../helpers/conformance";
import { runInspectorCli, startEverything, type McpPeer } from "../helpers/mcp-peers";

// Issue 4 §6: the official conformance suite (@modelcontextprotocol/conformance 0.1.11) through
// the gateway with an allow-all policy gives the same pass/fail per scenario as against the
// upstream directly, for our fixture (which passes everything) and for server-everything:
//
//   conformance → auth forwarder (+ Bearer grant token) → Toolgate /mcp/<serverId> → upstream
//
// and the Inspector CLI, a third-party client, lists tools through the gateway.
const ENTRIES: EntryPoint[] = ["fast", "next"];
const SUITE_TIMEOUT = { timeoutMs: 90_000 };

let env: GatewayEnv;
let fixture: ConformanceServer;
let everything: McpPeer;
let token: string;
const servers = {} as Record<"fixture" | "everything", string>;
const forwarders: AuthForwarder[] = [];
/** Direct runs, computed once and compared with each entry point. */
const direct = new Map<string, Promise<ConformanceRun>>();
const table: string[] = [];

beforeAll(async () => {
  [fixture, everything] = await Promise.all([startConformanceServer(), startEverything("streamableHttp")]);
  env = await startGatewayEnv({ entries: ENTRIES });
  const { orgId } = await env.newOrg();
  servers.fixture = await env.addServer(orgId, fixture.url);
  servers.everything = await env.addServer(orgId, everything.url);
  for (const serverId of Object.values(servers)) await env.publish(orgId, { version: "1", default: "allow" }, { serverId });
  token = (await env.grant(orgId, servers.fixture, "conformance")).token;
});
afterAll(async () => {
  if (table.length) console.log(`conformance, directly vs through the gateway:\n${table.join("\n")}`);
  await Promise.allSettled(forwarders.map((f) => f.close()));
  await env?.stop();
  await Promise.allSettled([fixture?.close(), everything?.close()]);
});

async function through(entry: EntryPoint, upstream: keyof typeof servers): Promise<string> {
  // A grant is for one server: the fixture's token, or one for server-everything.
  const grantToken = upstream === "fixture" ? token : (await env.grant((await env.db.server.findUniqueOrThrow({ where: { id: servers[upstream] } })).orgId, servers[upstream], "conformance")).token;
  const fwd = await startAuthForwarder({ target: env.gatewayUrl(entry, servers[upstream]), token: grantToken });
  forwarders.push(fwd);
  return fwd.url;
}

function directRun(key: string, url: string, suite: "active" | "pending"): Promise<ConformanceRun> {
  if (!direct.has(key)) direct.set(key, runConformance(url, { ...SUITE_TIMEOUT, suite }));
  return direct.get(key)!;
}

function record(label: string, d: ConformanceRun, g: ConformanceRun) {
  const names = [...new Set([...d.scenarios.map((s) => s.name), ...g.scenarios.map((s) => s.name)])];
  const mark = (run: ConformanceRun, n: string) => {
    const s = run.scenarios.find((x) => x.name === n);
    return s === undefined ? "missing" : s.passed ? "pass" : "FAIL";
  };
  table.push(`${label}:`, ...names.map((n) => `  ${n.padEnd(34)} direct ${mark(d, n).padEnd(7)} gateway ${mark(g, n)}`));
}

describe.each(ENTRIES)("conformance through the %s entry point", (entry) => {
  it("our fixture, active suite: the same pass/fail per scenario as directly (all 30 pass)", { timeout: 240_000 }, async () => {
    const d = await directRun("fixture-active", fixture.url, "active");
    const g = await runConformance(await through(entry, "fixture"), SUITE_TIMEOUT);
    record(`fixture, active suite, ${entry}`, d, g);
    expect(g.timedOut, g.output.slice(-2000)).toBe(false);
    expect(passedScenarios(d)).toEqual([...ACTIVE_SERVER_SCENARIOS]);
    expect(compareConformance(d, g), formatConformance(g)).toEqual([]);
  });

  it("our fixture, pending suite (json-schema-2020-12, server-sse-polling): the same as directly", { timeout: 240_000 }, async () => {
    const d = await directRun("fixture-pending", fixture.url, "pending");
    const g = await runConformance(await through(entry, "fixture"), { ...SUITE_TIMEOUT, suite: "pending" });
    record(`fixture, pending suite, ${entry}`, d, g);
    expect(passedScenarios(d).sort()).toEqual([...PENDING_SERVER_SCENARIOS].sort());
    expect(compareConformance(d, g), formatConformance(g)).toEqual([]);
    // Warnings too: the gateway adds none (resumption through it works as directly).
    const warnings = (run: ConformanceRun) => run.scenarios.flatMap((s) => s.checks.filter((c) => c.status === "WARNING").map((c) => `${s.name}/${c.id}`)).sort();
    expect(warnings(g)).toEqual(warnings(d));
  });

  it("server-everything, active suite: the same pass/fail per scenario as directly, but dns-rebinding-protection, which only the gateway passes", { timeout: 240_000 }, async () => {
    const d = await directRun("everything-active", everything.url, "active");
    const g = await runConformance(await through(entry, "everything"), SUITE_TIMEOUT);
    record(`server-everything, active suite, ${entry}`, d, g);
    // One difference, in the gateway's favour: server-everything accepts any Host and Origin
    // (it fails dns-rebinding-protection directly), while the gateway refuses a foreign Origin
    // itself (403) before anything reaches the upstream. No scenario does worse through it.
    expect(compareConformance(d, g), formatConformance(g)).toEqual([{ name: "dns-rebinding-protection", expected: false, actual: true, details: expect.any(String) }]);
    expect(passedScenarios(g)).toEqual(expect.arrayContaining(passedScenarios(d)));
  });

  it("the Inspector CLI lists tools through the gateway with the Authorization header, and is refused without it", { timeout: 120_000 }, async () => {
    const url = env.gatewayUrl(entry, servers.fixture);
    const [directList, viaGateway, noToken] = await Promise.all([
      runInspectorCli(fixture.url, { transport: "http", method: "tools/list" }),
      runInspectorCli(url, { transport: "http", method: "tools/list", headers: { Authorization: `Bearer ${token}` } }),
      runInspectorCli(url, { transport: "http", method: "tools/list" }),
    ]);
    expect(directList.exitCode, directList.stderr).toBe(0);
    expect(viaGateway.exitCode, viaGateway.stderr).toBe(0);
    expect(viaGateway.json).toEqual(directList.json);
    expect((viaGateway.json as { tools: unknown[] }).tools.length).toBeGreaterThan(5);
    expect(noToken.exitCode).not.toBe(0);
    expect(`${noToken.stdout}${noToken.stderr}`).toMatch(/401|Unauthorized/);
    const call = await runInspectorCli(url, { transport: "http", method: "tools/call", headers: { Authorization: `Bearer ${token}` }, args: ["--tool-name", "test_simple_text"] });
    expect(call.exitCode, call.stderr).toBe(0);
    expect(call.json).toEqual((await runInspectorCli(fixture.url, { transport: "http", method: "tools/call", args: ["--tool-name", "test_simple_text"] })).json);
  });
});
