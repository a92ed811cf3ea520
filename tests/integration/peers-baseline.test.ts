/**
 * Baselines with real MCP peers and no gateway in between: what the official conformance suite,
 * the SDK client and the Inspector CLI see when they talk to the upstreams directly. Gateway tests
 * compare against these, so each one also proves the harness itself (fixture, peers, forwarder)
 * is sound: a difference seen through the gateway can then only come from the gateway.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { startConformanceServer, type ConformanceServer } from "../fixtures/conformance-server";
import { startAuthForwarder, type AuthForwarder } from "../helpers/auth-forwarder";
import {
  ACTIVE_SERVER_SCENARIOS,
  EVERYTHING_PASSING_SCENARIOS,
  PENDING_SERVER_SCENARIOS,
  compareConformance,
  formatConformance,
  passedScenarios,
  runConformance,
  type ConformanceRun,
} from "../helpers/conformance";
import { runInspectorCli, startEverything, type EverythingMode, type McpPeer } from "../helpers/mcp-peers";

let fixture: ConformanceServer;
/** The fixture's run of the active suite, reused as the "direct" side of the forwarder comparison. */
let fixtureRun: ConformanceRun | undefined;
const everything = {} as Record<EverythingMode, McpPeer>;
const forwarders: AuthForwarder[] = [];
// Below vitest's 60 s test timeout, so a hung suite is killed by the helper and reported as such.
const SUITE_TIMEOUT = { timeoutMs: 45_000 };

async function forwarder(target: string, token: string | null): Promise<AuthForwarder> {
  const f = await startAuthForwarder({ target, token });
  forwarders.push(f);
  return f;
}

function transportFor(mode: EverythingMode, url: string): Transport {
  return mode === "sse" ? new SSEClientTransport(new URL(url)) : new StreamableHTTPClientTransport(new URL(url));
}

beforeAll(async () => {
  // allSettled + assignment as each starts: if one peer fails, afterAll still stops the others.
  const started = await Promise.allSettled([
    startConformanceServer().then((s) => (fixture = s)),
    startEverything("streamableHttp").then((p) => (everything.streamableHttp = p)),
    startEverything("sse").then((p) => (everything.sse = p)),
  ]);
  const failed = started.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
});

afterAll(async () => {
  await Promise.allSettled([
    ...forwarders.map((f) => f.close()),
    fixture?.close(),
    everything.streamableHttp?.close(),
    everything.sse?.close(),
  ]);
});

describe("conformance suite 0.1.11, directly", () => {
  it("passes all 30 active scenarios against our fixture", async () => {
    const run = (fixtureRun = await runConformance(fixture.url, SUITE_TIMEOUT));
    console.log(`fixture, active suite:\n${formatConformance(run)}`);
    expect(run.timedOut).toBe(false);
    expect(run.scenarios.map((s) => s.name)).toEqual([...ACTIVE_SERVER_SCENARIOS]);
    expect(run.scenarios.filter((s) => !s.passed)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it("passes the two pending scenarios against our fixture too (with the SDK's two SEP-1699 warnings)", async () => {
    const run = await runConformance(fixture.url, { ...SUITE_TIMEOUT, suite: "pending" });
    console.log(`fixture, pending suite:\n${formatConformance(run)}`);
    expect(passedScenarios(run).sort()).toEqual([...PENDING_SERVER_SCENARIOS].sort());
    // The scenario declares protocol 2025-03-26, and the SDK sends priming events (with `retry`)
    // only to 2025-11-25 clients: these two checks can only warn. Resumption itself succeeds.
    const polling = run.scenarios.find((s) => s.name === "server-sse-polling");
    expect(polling?.checks.filter((c) => c.status === "WARNING").map((c) => c.id).sort()).toEqual([
      "server-sse-priming-event",
      "server-sse-retry-field",
    ]);
    expect(polling?.checks.find((c) => c.id === "server-sse-disconnect-resume")?.status).toBe("SUCCESS");
  });

  it("gives server-everything (streamableHttp) its known baseline", async () => {
    const run = await runConformance(everything.streamableHttp.url, SUITE_TIMEOUT);
    console.log(`server-everything, active suite:\n${formatConformance(run)}`);
    expect(run.scenarios).toHaveLength(ACTIVE_SERVER_SCENARIOS.length);
    expect(passedScenarios(run)).toEqual([...EVERYTHING_PASSING_SCENARIOS]);
    expect(run.scenarios.reduce((n, s) => n + s.succeeded, 0)).toBe(13);
  });

  it("gives the same result per scenario through the auth forwarder (the harness adds nothing)", async () => {
    const direct = fixtureRun ?? (await runConformance(fixture.url, SUITE_TIMEOUT));
    const fwd = await forwarder(fixture.url, "baseline-token");
    const through = await runConformance(fwd.url, SUITE_TIMEOUT);
    expect(compareConformance(direct, through)).toEqual([]);
    expect(passedScenarios(through)).toHaveLength(ACTIVE_SERVER_SCENARIOS.length);
    expect(fwd.requests.length).toBeGreaterThan(30);
    expect(fwd.requests.every((r) => r.sent.authorization === "Bearer baseline-token")).toBe(true);
  });
});

describe("conformance fixture over plain HTTP", () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(fixture.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body,
    });
  const initialize = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });

  it("answers malformed, oversized, sessionless and foreign-host requests with the right status", async () => {
    expect((await post("{not json")).status).toBe(400);
    expect((await post("x".repeat(4 * 1024 * 1024 + 1))).status).toBe(413);
    expect((await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }))).status).toBe(400);
    expect((await post(initialize, { "mcp-session-id": "no-such-session" })).status).toBe(404);
    expect((await post(initialize, { origin: "http://evil.example.com" })).status).toBe(403);
    expect((await fetch(fixture.url, { method: "PUT" })).status).toBe(405);
    expect((await fetch(fixture.url, { headers: { accept: "text/event-stream" } })).status).toBe(400);
  });

  it("opens a session on initialize and ends it on DELETE", async () => {
    const before = fixture.sessionCount();
    const res = await post(initialize);
    expect(res.status).toBe(200);
    await res.body?.cancel();
    const sessionId = res.headers.get("mcp-session-id");
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fixture.sessionCount()).toBe(before + 1);
    const del = await fetch(fixture.url, { method: "DELETE", headers: { "mcp-session-id": sessionId!, "mcp-protocol-version": "2025-11-25" } });
    expect(del.status).toBe(200);
    expect(fixture.sessionCount()).toBe(before);
  });
});

describe.each(["streamableHttp", "sse"] as const)("SDK client against server-everything (%s)", (mode) => {
  it("lists tools, calls echo, reads resources, gets prompts", async () => {
    const client = new Client({ name: "toolgate-baseline", version: "1.0.0" });
    await client.connect(transportFor(mode, everything[mode].url));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-sum", "get-tiny-image"]));

      expect(await client.callTool({ name: "echo", arguments: { message: "hello" } })).toEqual({
        content: [{ type: "text", text: "Echo: hello" }],
      });

      const { resources } = await client.listResources();
      const doc = resources.find((r) => r.uri === "demo://resource/static/document/architecture.md");
      expect(doc).toBeDefined();
      const read = await client.readResource({ uri: doc!.uri });
      expect(read.contents[0]).toMatchObject({ uri: doc!.uri, mimeType: "text/markdown" });
      const dynamic = await client.readResource({ uri: "demo://resource/dynamic/text/1" });
      expect(dynamic.contents[0]).toMatchObject({ uri: "demo://resource/dynamic/text/1", mimeType: "text/plain" });

      const simple = await client.getPrompt({ name: "simple-prompt" });
      expect(simple.messages[0]?.content).toMatchObject({ type: "text" });
      const withArgs = await client.getPrompt({ name: "args-prompt", arguments: { city: "Lyon" } });
      expect(JSON.stringify(withArgs.messages)).toContain("Lyon");
    } finally {
      await client.close();
    }
  });
});

describe("auth forwarder", () => {
  it("adds the bearer token and passes session headers and SSE through, in both directions", async () => {
    // client → A (adds the token) → B (records only) → server-everything
    const probe = await forwarder(everything.streamableHttp.url, null);
    const adder = await forwarder(probe.url, "grant-token-123");
    const client = new Client({ name: "toolgate-baseline", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(adder.url));
    await client.connect(transport);
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 0.3, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    await client.close();

    expect(JSON.stringify(result.content)).toContain("Long running operation completed");
    expect(progress).toEqual([1, 2, 3]);
    expect(probe.requests.length).toBeGreaterThanOrEqual(3);
    expect(probe.requests.every((r) => r.received.authorization === "Bearer grant-token-123")).toBe(true);
    // Every request after initialize carries the session id the server issued.
    expect(transport.sessionId).toBeTruthy();
    expect(probe.requests.slice(1).every((r) => r.received["mcp-session-id"] === transport.sessionId)).toBe(true);
  });
});

describe("Inspector CLI (inspector-cli 1.0.3) against server-everything", () => {
  it("lists tools over streamable HTTP, and its --header reaches the server", async () => {
    const probe = await forwarder(everything.streamableHttp.url, null);
    const result = await runInspectorCli(probe.url, {
      transport: "http",
      method: "tools/list",
      headers: { Authorization: "Bearer inspector-token" },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const tools = (result.json as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(tools).toContain("echo");
    expect(probe.requests.length).toBeGreaterThan(0);
    expect(probe.requests.every((r) => r.received.authorization === "Bearer inspector-token")).toBe(true);
  });

  it("calls a tool over the legacy SSE transport", async () => {
    const result = await runInspectorCli(everything.sse.url, {
      transport: "sse",
      method: "tools/call",
      args: ["--tool-name", "echo", "--tool-arg", "message=from-inspector"],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ content: [{ type: "text", text: "Echo: from-inspector" }] });
  });
});
