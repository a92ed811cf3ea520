import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayEnv, type GatewayEnv } from "../helpers/gateway-env";
import { startConformanceServer, type ConformanceServer } from "../fixtures/conformance-server";
import { startAuthForwarder, type AuthForwarder } from "../helpers/auth-forwarder";
import { compareConformance, formatConformance, passedScenarios, runConformance, ACTIVE_SERVER_SCENARIOS, type ConformanceRun } from "../helpers/conformance";
import { conformanceStdio } from "../helpers/stdio-servers";

// Issue 8: the official conformance suite through the gateway against our fixture run as a
// command server over stdio gives the same result, scenario by scenario, as the same fixture
// over HTTP through the gateway (and directly).
//
//   conformance → auth forwarder (+ grant) → Toolgate /mcp/<id> → stdio host → node fixture (stdio)
let env: GatewayEnv;
let fixture: ConformanceServer;
const forwarders: AuthForwarder[] = [];
const urls = {} as Record<"http" | "stdio" | "stdioViaNext", string>;
const table: string[] = [];

beforeAll(async () => {
  fixture = await startConformanceServer();
  env = await startGatewayEnv({ entries: ["fast", "next"], env: { TOOLGATE_STDIO: "on" } });
  const { orgId } = await env.newOrg();
  const ids = { http: await env.addServer(orgId, fixture.url), stdio: await env.addCommandServer(orgId, conformanceStdio()) };
  for (const kind of ["http", "stdio"] as const) {
    await env.publish(orgId, { version: "1", default: "allow" }, { serverId: ids[kind] });
    const { token } = await env.grant(orgId, ids[kind], `conformance-${kind}`);
    const fwd = await startAuthForwarder({ target: env.gatewayUrl("fast", ids[kind]), token });
    forwarders.push(fwd);
    urls[kind] = fwd.url;
    if (kind === "stdio") {
      // The route-handler adapter (hosts that run only Next) runs its own stdio host, bundled.
      const viaNext = await startAuthForwarder({ target: env.gatewayUrl("next", ids[kind]), token });
      forwarders.push(viaNext);
      urls.stdioViaNext = viaNext.url;
    }
  }
}, 120_000);
afterAll(async () => {
  if (table.length) console.log(`conformance through the gateway, HTTP fixture vs stdio fixture:\n${table.join("\n")}`);
  await Promise.allSettled(forwarders.map((f) => f.close()));
  await env?.stop();
  await fixture?.close();
});

/** Both runs finished and ran the same scenarios (two empty or crashed runs would otherwise compare equal). */
function expectRan(h: ConformanceRun, s: ConformanceRun) {
  expect(h.timedOut, h.output.slice(-2000)).toBe(false);
  expect(s.timedOut, s.output.slice(-2000)).toBe(false);
  expect(h.scenarios.length).toBeGreaterThan(0);
  expect(s.scenarios.map((x) => x.name).sort()).toEqual(h.scenarios.map((x) => x.name).sort());
}

function record(suite: string, h: ConformanceRun, s: ConformanceRun) {
  const names = [...new Set([...h.scenarios.map((x) => x.name), ...s.scenarios.map((x) => x.name)])];
  const mark = (run: ConformanceRun, n: string) => {
    const r = run.scenarios.find((x) => x.name === n);
    return r === undefined ? "missing" : r.passed ? "pass" : "FAIL";
  };
  table.push(`${suite}:`, ...names.map((n) => `  ${n.padEnd(34)} http ${mark(h, n).padEnd(7)} stdio ${mark(s, n)}`));
}

describe("conformance: a stdio fixture through the gateway", () => {
  it("active suite: the same pass/fail per scenario as over HTTP (all pass)", { timeout: 300_000 }, async () => {
    const [h, s] = await Promise.all([runConformance(urls.http, { timeoutMs: 120_000 }), runConformance(urls.stdio, { timeoutMs: 120_000 })]);
    record("active", h, s);
    expectRan(h, s);
    expect(passedScenarios(h)).toEqual([...ACTIVE_SERVER_SCENARIOS]);
    expect(compareConformance(h, s), formatConformance(s)).toEqual([]);
  });

  it("active suite through the route-handler adapter: the same as over HTTP", { timeout: 300_000 }, async () => {
    const [h, s] = await Promise.all([runConformance(urls.http, { timeoutMs: 120_000 }), runConformance(urls.stdioViaNext, { timeoutMs: 120_000 })]);
    record("active, route-handler adapter", h, s);
    expectRan(h, s);
    expect(compareConformance(h, s), formatConformance(s)).toEqual([]);
  });

  it("pending suite: the same pass/fail per scenario as over HTTP", { timeout: 300_000 }, async () => {
    const [h, s] = await Promise.all([runConformance(urls.http, { timeoutMs: 120_000, suite: "pending" }), runConformance(urls.stdio, { timeoutMs: 120_000, suite: "pending" })]);
    record("pending", h, s);
    expectRan(h, s);
    expect(compareConformance(h, s), formatConformance(s)).toEqual([]);
  });
});
