import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";
import { apiClient, basic, bearer, signInSession, uniqueEmail, PASSWORD } from "../helpers/http";

// POST /api/v1/servers/{id}/policy/replay against real PostgreSQL and a real gateway: calls go
// through the gateway with the SDK, the audit writer stores them, and replay reads them back.
let app: ToolgateProcess;
let upstream: TestUpstream;
let api: ReturnType<typeof apiClient>;
let sql: pg.Client;
let databaseUrl: string;
const k: Record<string, string> = {};
let serverId: string;
let grant: { id: string; token: string };
let otherGrant: { id: string; token: string };
let bServerId: string;
let bGrantId: string;
let callTimes: number[] = [];

const published = { version: "1", default: "deny", tools: { echo: {}, delete_file: {} } };
const replay = (server: string, body: unknown, key = k.aViewer) => api("POST", `/api/v1/servers/${server}/policy/replay`, body, key ? bearer(key) : {});

async function org(tag: string) {
  const email = uniqueEmail(tag);
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  const key = async (role: string) => (await api("POST", "/api/v1/api-keys", { name: role, role }, basic(email, PASSWORD))).body.key as string;
  return { email, admin: await key("admin"), viewer: await key("viewer") };
}

async function callThrough(token: string, server: string, calls: { name: string; arguments: Record<string, unknown> }[]) {
  const client = new Client({ name: "replay-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${server}`), { requestInit: { headers: bearer(token) } }));
  for (const c of calls) await client.callTool(c);
  await client.close();
}

async function waitForAudit(server: string, count: number) {
  for (let i = 0; i < 100; i++) {
    const r = await sql.query(`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "serverId" = $1`, [server]);
    if (r.rows[0].n >= count) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`audit events of ${server} did not reach ${count}`);
}

async function insertEvent(e: { server: string; org: string; grantId: string; tool: string; decision: string; rule: string | null; time: Date; args?: unknown }) {
  await sql.query(
    `INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", "grantId", "sessionId", method, tool, decision, "rulePointer", "policyVersion", "argKeys", args)
     VALUES ($1, $2, $3, $4, $5, 'sess_x', 'tools/call', $6, $7, $8, 1, '{}', $9)`,
    [`evt_test_${Math.random().toString(36).slice(2)}`, e.time, e.org, e.server, e.grantId, e.tool, e.decision, e.rule, e.args === undefined ? null : JSON.stringify(e.args)],
  );
}

beforeAll(async () => {
  upstream = await startTestUpstream();
  databaseUrl = await freshDatabase("replay");
  app = await startToolgateProcess({ databaseUrl });
  api = apiClient(app.url);
  sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  const a = await org("a");
  const b = await org("b");
  Object.assign(k, { a: a.admin, aViewer: a.viewer, b: b.admin, aEmail: a.email });
  serverId = (await api("POST", "/api/v1/servers", { name: "replayed", url: upstream.url }, bearer(k.a))).body.server.id;
  expect((await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: published }, bearer(k.a))).status).toBe(200);
  grant = (await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "ci-runner" }, bearer(k.a))).body;
  otherGrant = (await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "nightly" }, bearer(k.a))).body;

  // Real traffic: 6 echo calls and a delete_file by ci-runner, 2 echo calls by nightly.
  const before = Date.now();
  await callThrough(grant.token, serverId, [
    ...Array.from({ length: 6 }, (_, i) => ({ name: "echo", arguments: { message: `m${i}` } })),
    { name: "delete_file", arguments: { path: "/tmp/x" } },
  ]);
  await callThrough(otherGrant.token, serverId, [
    { name: "echo", arguments: { message: "n0" } },
    { name: "echo", arguments: { message: "n1" } },
  ]);
  await waitForAudit(serverId, 9);
  const times = await sql.query(`SELECT time FROM "AuditEvent" WHERE "serverId" = $1 AND "grantId" = $2 AND tool = 'echo' ORDER BY time`, [serverId, grant.id]);
  callTimes = times.rows.map((r: { time: Date }) => r.time.getTime());
  expect(callTimes.every((t) => t >= before - 1000)).toBe(true);

  // Org B: its own server and calls, which org A's replay must never see.
  bServerId = (await api("POST", "/api/v1/servers", { name: "b server", url: upstream.url }, bearer(k.b))).body.server.id;
  await api("PUT", `/api/v1/servers/${bServerId}/policy`, { document: published }, bearer(k.b));
  const bGrant = (await api("POST", `/api/v1/servers/${bServerId}/grants`, { label: "b agent" }, bearer(k.b))).body;
  bGrantId = bGrant.id;
  await callThrough(bGrant.token, bServerId, [{ name: "echo", arguments: { message: "b" } }]);
  await waitForAudit(bServerId, 1);
});

afterAll(async () => {
  await sql?.end();
  await app?.stop();
  await upstream?.close();
});

/** Calls beyond `max` in each UTC minute, from the recorded times: what a limit of max per minute refuses. */
function overflowPerMinute(times: number[], max: number) {
  const perMinute = new Map<number, number>();
  for (const t of times) perMinute.set(Math.floor(t / 60_000), (perMinute.get(Math.floor(t / 60_000)) ?? 0) + 1);
  return [...perMinute.values()].reduce((sum, c) => sum + Math.max(0, c - max), 0);
}

describe("replay", () => {
  it("the published policy replayed: nothing changes", async () => {
    const r = await replay(serverId, { policy: published });
    expect(r.status).toBe(200);
    expect(r.body.totals).toMatchObject({ calls: 9, unchanged: 9, changed: 0, undetermined: 0 });
    expect(r.body).toMatchObject({ capped: false, eventsRead: 9, publishedVersion: 1, olderVersion: 0, period: { days: 7 } });
    // The organization keeps argument names only (the default).
    expect(r.body.argsNotRecorded).toBe(9);
  });

  it("a rate limit of 3 per minute per grant, counted at the recorded times; a denied tool; per tool and per grant", async () => {
    const draft = { version: "1", default: "deny", tools: { echo: { limits: [{ counter: "echo", window: "minute", max: 3, scope: "grant" }] }, delete_file: { action: "deny", on_deny: "no deleting" } } };
    const r = await replay(serverId, { policy: draft });
    expect(r.status).toBe(200);
    const limited = overflowPerMinute(callTimes, 3);
    expect(callTimes).toHaveLength(6);
    expect(r.body.totals).toMatchObject({ calls: 9, newlyRateLimited: limited, newlyDenied: 1, unchanged: 8 - limited });
    const echo = r.body.byTool.find((t: { tool: string }) => t.tool === "echo");
    expect(echo).toMatchObject({ calls: 8, newlyRateLimited: limited });
    expect(r.body.byGrant.find((g: { label: string }) => g.label === "nightly")).toMatchObject({ calls: 2, unchanged: 2 });
    expect(r.body.byGrant.find((g: { label: string }) => g.label === "ci-runner")).toMatchObject({ calls: 7, newlyDenied: 1, newlyRateLimited: limited });
    const denied = r.body.samples.find((s: { tool: string }) => s.tool === "delete_file");
    expect(denied).toMatchObject({ change: "newly_denied", grantLabel: "ci-runner", before: { effect: "allow", rule: "/tools/delete_file" }, after: { effect: "deny", rule: "/tools/delete_file/action", message: "no deleting" } });
    const rl = r.body.samples.find((s: { change: string }) => s.change === "newly_rate_limited");
    expect(rl.after.rule).toBe("/tools/echo/limits/0");
  });

  it("argument conditions on calls recorded without values are undetermined, not guessed", async () => {
    const draft = { version: "1", default: "deny", tools: { echo: { deny_if: [{ path: "args.message", op: "eq", value: "m1" }] }, delete_file: {} } };
    const r = await replay(serverId, { policy: draft });
    expect(r.body.totals).toMatchObject({ calls: 9, undetermined: 8, unchanged: 1, changed: 0 });
    expect(r.body.samples[0]).toMatchObject({ change: "undetermined", argsNotRecorded: true, after: { effect: "allow" }, otherwise: { effect: "deny", rule: "/tools/echo" } });
  });

  it("with argument values recorded, the same draft decides exactly", async () => {
    const orgId = (await sql.query(`SELECT "orgId" FROM "Server" WHERE id = $1`, [serverId])).rows[0].orgId;
    await insertEvent({ server: serverId, org: orgId, grantId: grant.id, tool: "echo", decision: "allow", rule: "/tools/echo", time: new Date(Date.now() - 3_600_000), args: { message: "m1" } });
    const draft = { version: "1", default: "deny", tools: { echo: { deny_if: [{ path: "args.message", op: "eq", value: "m1" }] }, delete_file: {} } };
    const r = await replay(serverId, { policy: draft, grantId: grant.id, days: 1 });
    expect(r.body.totals).toMatchObject({ calls: 8, newlyDenied: 1, undetermined: 6, unchanged: 1 });
    expect(r.body.byGrant.map((g: { grantId: string }) => g.grantId)).toEqual([grant.id]);
    expect(r.body.samples.find((s: { change: string }) => s.change === "newly_denied")).toMatchObject({ argsNotRecorded: false, after: { rule: "/tools/echo/deny_if/0" } });
  });

  it("argument values too large to read back are treated as not recorded", async () => {
    const orgId = (await sql.query(`SELECT "orgId" FROM "Server" WHERE id = $1`, [serverId])).rows[0].orgId;
    const big = Array.from({ length: 4000 }, (_, i) => `${i.toString(36)}-${Math.random().toString(36)}`).join(" ");
    await insertEvent({ server: serverId, org: orgId, grantId: otherGrant.id, tool: "echo", decision: "allow", rule: "/tools/echo", time: new Date(Date.now() - 1_800_000), args: { message: big } });
    const draft = { version: "1", default: "deny", tools: { echo: { deny_if: [{ path: "args.message", op: "eq", value: "m1" }] }, delete_file: {} } };
    const r = await replay(serverId, { policy: draft, grantId: otherGrant.id, days: 1 });
    expect(r.body.totals).toMatchObject({ calls: 3, undetermined: 3 });
    expect(r.body.argsNotRecorded).toBe(3);
  });

  it("days bound the period: a call 20 days ago counts with 30 days, not with 7", async () => {
    const orgId = (await sql.query(`SELECT "orgId" FROM "Server" WHERE id = $1`, [serverId])).rows[0].orgId;
    await insertEvent({ server: serverId, org: orgId, grantId: otherGrant.id, tool: "get_secret", decision: "deny", rule: "/default", time: new Date(Date.now() - 20 * 86_400_000) });
    const draft = { version: "1", default: "deny", tools: { echo: {}, delete_file: {}, get_secret: {} } };
    const week = await replay(serverId, { policy: draft });
    const month = await replay(serverId, { policy: draft, days: 30 });
    expect(week.body.totals.newlyAllowed).toBe(0);
    expect(month.body.totals).toMatchObject({ calls: week.body.totals.calls + 1, newlyAllowed: 1 });
    expect(month.body.samples[0]).toMatchObject({ tool: "get_secret", change: "newly_allowed", grantLabel: "nightly", after: { rule: "/tools/get_secret" } });
  });

  it("bounded: at most maxEvents calls, the most recent, and says so", async () => {
    process.env.DATABASE_URL = databaseUrl;
    const { getDb } = await import("../../lib/db/client");
    const { replayDraft } = await import("../../lib/policies/replay-run");
    const orgId = (await sql.query(`SELECT "orgId" FROM "Server" WHERE id = $1`, [serverId])).rows[0].orgId;
    const r = await replayDraft(getDb(), orgId, serverId, { policy: published, days: 7 }, { maxEvents: 4 });
    expect(r).toMatchObject({ capped: true, maxEvents: 4, eventsRead: 4 });
    expect(r.totals.calls).toBe(4);
    expect(new Date(r.countedFrom).getTime()).toBeGreaterThan(Date.parse(r.period.from));
  });

  it("10,000 recorded calls: limits counted per grant and hour match what SQL counts from the same rows", async () => {
    const orgId = (await sql.query(`SELECT "orgId" FROM "Server" WHERE id = $1`, [serverId])).rows[0].orgId;
    const bulk = (await api("POST", "/api/v1/servers", { name: "bulk", url: upstream.url, sync: false }, bearer(k.a))).body.server.id;
    const g1 = (await api("POST", `/api/v1/servers/${bulk}/grants`, { label: "bulk one" }, bearer(k.a))).body.id;
    const g2 = (await api("POST", `/api/v1/servers/${bulk}/grants`, { label: "bulk two" }, bearer(k.a))).body.id;
    await sql.query(
      `INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", "grantId", "sessionId", method, tool, decision, "rulePointer", "policyVersion", "argKeys", args)
       SELECT 'evt_bulk_' || lpad(g::text, 6, '0'), now() - interval '2 days' + g * interval '17 seconds', $1, $2,
              CASE WHEN g % 2 = 0 THEN $3 ELSE $4 END, 'sess_' || (g % 50), 'tools/call',
              CASE WHEN g % 3 = 0 THEN 'delete_file' ELSE 'echo' END, 'allow', '/tools/echo', 1, '{message}',
              CASE WHEN g % 2 = 0 THEN jsonb_build_object('message', 'm' || g) END
       FROM generate_series(1, 10000) g`,
      [orgId, bulk, g1, g2],
    );
    const expected = await sql.query(
      `SELECT coalesce(sum(greatest(n - 20, 0)), 0)::int AS limited FROM (
         SELECT count(*) AS n FROM "AuditEvent" WHERE "serverId" = $1 AND tool = 'echo'
         GROUP BY "grantId", floor(extract(epoch FROM time) / 3600)) per_hour`,
      [bulk],
    );
    const draft = { version: "1", default: "deny", tools: { echo: { limits: [{ counter: "echo", window: "hour", max: 20, scope: "grant" }] }, delete_file: {} } };
    const started = performance.now();
    const r = await replay(bulk, { policy: draft });
    const ms = performance.now() - started;
    const again = await replay(bulk, { policy: draft });
    console.log(`replay of 10,000 recorded calls: ${Math.round(ms)} ms over HTTP (server-side ${r.body.durationMs} ms; warm, again: ${again.body.durationMs} ms)`);
    expect(again.body.totals).toEqual(r.body.totals);
    expect(r.status).toBe(200);
    expect(r.body.eventsRead).toBe(10_000);
    expect(expected.rows[0].limited).toBeGreaterThan(1000);
    expect(r.body.totals).toMatchObject({ calls: 10_000, newlyRateLimited: expected.rows[0].limited, unchanged: 10_000 - expected.rows[0].limited, undetermined: 0 });
    expect(r.body.argsNotRecorded).toBe(5_000);
    expect(r.body.byGrant.map((g: { label: string }) => g.label).sort()).toEqual(["bulk one", "bulk two"]);
  });

  it("an empty period answers zeros", async () => {
    const fresh = (await api("POST", "/api/v1/servers", { name: "quiet", url: upstream.url, sync: false }, bearer(k.a))).body.server.id;
    const r = await replay(fresh, { policy: published });
    expect(r.status).toBe(200);
    expect(r.body.totals.calls).toBe(0);
    expect(r.body.byTool).toEqual([]);
    expect(r.body.publishedVersion).toBeNull();
  });
});

describe("replay: errors", () => {
  it("400: an invalid draft with every error located, bad days, no policy; 415 for a non-JSON body", async () => {
    const bad = await replay(serverId, { policy: { version: "1", default: "maybe", tools: { echo: { limits: [{ counter: "c", window: "week", max: 1 }] } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    const paths = bad.body.error.details.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain("/default");
    expect(paths).toContain("/tools/echo/limits/0/window");
    for (const days of [0, 31, 2.5, "7"]) {
      const r = await replay(serverId, { policy: published, days });
      expect(r.status, String(days)).toBe(400);
      expect(r.body.error.details.fields.days).toBeTruthy();
    }
    const none = await replay(serverId, { days: 7 });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/policy/);
    const form = await api("POST", `/api/v1/servers/${serverId}/policy/replay`, "policy=x", { ...bearer(k.aViewer), "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
  });

  it("401 without credentials or with a revoked key", async () => {
    expect((await replay(serverId, { policy: published }, "")).status).toBe(401);
    expect((await replay(serverId, { policy: published }, "tgk_not_a_key")).status).toBe(401);
  });

  it("403 for a signed-in person who belongs to no organization", async () => {
    // Sign in through next-auth's credentials flow, then lose the only membership.
    const email = uniqueEmail("alone");
    await api("POST", "/api/v1/signup", { email, password: PASSWORD });
    const session = await signInSession(app.url, email, PASSWORD);
    const signedIn = await api("POST", `/api/v1/servers/${serverId}/policy/replay`, { policy: published }, session);
    expect(signedIn.status).toBe(404); // a member of their own organization: org A's server is not theirs
    await sql.query(`DELETE FROM "Membership" WHERE "userId" = (SELECT id FROM "User" WHERE email = $1)`, [email]);
    const alone = await api("POST", `/api/v1/servers/${serverId}/policy/replay`, { policy: published }, session);
    expect(alone.status).toBe(403);
    expect(alone.body.error.code).toBe("forbidden");
  });

  it("404 for an unknown server, another organization's server or grant (tenant isolation)", async () => {
    expect((await replay("srv_nope", { policy: published })).status).toBe(404);
    const crossServer = await replay(serverId, { policy: published }, k.b);
    expect(crossServer.status).toBe(404);
    expect(crossServer.body.error.code).toBe("not_found");
    const crossGrant = await replay(serverId, { policy: published, grantId: bGrantId });
    expect(crossGrant.status).toBe(404);
    expect((await replay(serverId, { policy: published, grantId: "gnt_nope" })).status).toBe(404);
    // Org B's replay of its own server sees its own call only.
    const own = await replay(bServerId, { policy: { version: "1", default: "deny" } }, k.b);
    expect(own.body.totals).toMatchObject({ calls: 1, newlyDenied: 1 });
    expect(own.body.byGrant.map((g: { label: string }) => g.label)).toEqual(["b agent"]);
  });
});
