import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createEventIdGenerator } from "../../gateway/audit/ids";
import type { TestUpstream } from "../helpers/test-upstream";
import { startTestbed, type Testbed } from "../helpers/testbed";
import { basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";

// The audit log read forwards (`after`, for following it) and the charts' aggregates, which honour
// every filter of the list, against events written into real PostgreSQL with the gateway's ids.
let bed: Testbed;
let upstream: TestUpstream;
let api: Testbed["api"];
let sql: pg.Client;
let viewer: Record<string, string>;
const s: Record<"one" | "two", { id: string; policyId: string }> = {} as never;
const g: Record<"plain" | "own" | "other", { id: string; policyId: string | null }> = {} as never;

interface Ev {
  id: string;
  time: string;
  serverId: string;
  grantId: string;
  tool: string;
  decision: string;
  rulePointer: string | null;
  latencyMs: number | null;
}
const events: Ev[] = [];
let from: string;
let to: string;

const list = async (query: string) => {
  const r = await api("GET", `/api/v1/audit?${query}`, undefined, viewer);
  expect(r.status, `${query}: ${JSON.stringify(r.body).slice(0, 200)}`).toBe(200);
  return r.body as { items: Ev[]; nextCursor: string | null };
};

beforeAll(async () => {
  bed = await startTestbed("audit");
  ({ upstream, api, sql } = bed);
  const email = uniqueEmail("audit");
  const orgId = (await api("POST", "/api/v1/signup", { email, password: PASSWORD })).body.organization.id as string;
  const admin = bearer((await api("POST", "/api/v1/api-keys", { name: "admin" }, basic(email, PASSWORD))).body.key);
  viewer = bearer((await api("POST", "/api/v1/api-keys", { name: "viewer", role: "viewer" }, admin)).body.key);
  for (const name of ["one", "two"] as const) {
    const id = (await api("POST", "/api/v1/servers", { name, url: upstream.url, sync: false }, admin)).body.server.id;
    const policyId = (await api("PUT", `/api/v1/servers/${id}/policy`, { document: { version: "1", default: "deny" } }, admin)).body.policyId;
    s[name] = { id, policyId };
  }
  const grant = async (server: string, label: string, policy?: unknown) => {
    const r = (await api("POST", `/api/v1/servers/${server}/grants`, { label, ...(policy ? { policy } : {}) }, admin)).body;
    return { id: r.id as string, policyId: r.policyId as string | null };
  };
  g.plain = await grant(s.one.id, "plain");
  g.own = await grant(s.one.id, "own", { version: "1", default: "deny" });
  g.other = await grant(s.two.id, "other");
  expect(g.own.policyId).toMatch(/^pol_/);
  expect(g.own.policyId).not.toBe(s.one.policyId);

  // Ten decisions over six minutes, two of them in the same millisecond.
  const base = Date.now() - 20 * 60_000;
  const id = createEventIdGenerator();
  const rows: [number, "one" | "two", "plain" | "own" | "other", string, string, string | null, number | null][] = [
    [0, "one", "plain", "echo", "allow", "/tools/echo", 5],
    [10, "one", "plain", "delete_file", "deny", "/tools/delete_file/action", null],
    [20, "one", "own", "delete_file", "deny", "/default", null],
    [30, "one", "plain", "create_charge", "require_approval", "/tools/create_charge/action", null],
    [40, "two", "other", "echo", "allow", "/tools/echo", 7],
    [50, "two", "other", "delete_file", "deny", "/default", null],
    [60, "one", "plain", "delete_file", "deny", "/tools/delete_file/action", null],
    [70, "one", "plain", "echo", "rate_limited", "/tools/echo/limits/0", null],
    [70, "one", "plain", "echo", "allow", "/tools/echo", 3],
    [300, "two", "other", "internal_debug", "hide", "/hide/0", null],
  ];
  for (const [seconds, server, grantName, tool, decision, rule, latency] of rows) {
    const t = base + seconds * 1000;
    const e: Ev = { id: id(t), time: new Date(t).toISOString(), serverId: s[server].id, grantId: g[grantName].id, tool, decision, rulePointer: rule, latencyMs: latency };
    events.push(e);
    await sql.query(
      `INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", "grantId", method, tool, decision, "rulePointer", "latencyMs") VALUES ($1, $2, $3, $4, $5, 'tools/call', $6, $7, $8, $9)`,
      [e.id, e.time, orgId, e.serverId, e.grantId, e.tool, e.decision, e.rulePointer, e.latencyMs],
    );
  }
  from = new Date(base - 60_000).toISOString();
  to = new Date().toISOString();
}, 120_000);

afterAll(async () => {
  await bed?.close();
});

const idsOf = (items: { id: string }[]) => items.map((e) => e.id);

describe("GET /audit?after: the log read forwards", () => {
  it("after an event id: the newer events, oldest first, same-millisecond ones by id", async () => {
    const page = await list(`after=${events[0].id}`);
    expect(idsOf(page.items)).toEqual(idsOf(events.slice(1)));
    expect(page.nextCursor).not.toBeNull();
    // nextCursor is where the last one stands: nothing after it yet.
    expect(await list(`after=${page.nextCursor}`)).toEqual({ items: [], nextCursor: null });
  });

  it("in pages: each nextCursor passed as `after` again reads on from there", async () => {
    const seen: string[] = [];
    let after = events[0].id;
    for (let i = 0; i < 10; i++) {
      const page = await list(`after=${after}&limit=3`);
      seen.push(...idsOf(page.items));
      if (page.nextCursor === null) break;
      after = page.nextCursor;
    }
    expect(seen).toEqual(idsOf(events.slice(1)));
  });

  it("with the list's filters and time range, and from a cursor of the newest-first list", async () => {
    expect(idsOf((await list(`after=${events[0].id}&serverId=${s.two.id}`)).items)).toEqual(idsOf(events.filter((e) => e.serverId === s.two.id)));
    expect(idsOf((await list(`after=${events[0].id}&decision=deny&to=${events[5].time}`)).items)).toEqual(idsOf([events[1], events[2], events[5]]));
    const newest = await list("limit=2");
    expect(idsOf(newest.items)).toEqual(idsOf([events[9], events[8]]));
    expect(idsOf((await list(`after=${newest.nextCursor}`)).items)).toEqual([events[9].id]);
    expect(await list(`after=${events[9].id}`)).toEqual({ items: [], nextCursor: null });
  });

  it("400 naming `after` for an unknown event, a malformed value, or with cursor or format", async () => {
    const unknown = createEventIdGenerator()(Date.now());
    for (const query of [`after=${unknown}`, "after=evt_nope", "after=12", `after=${events[0].id}&cursor=${(await list("limit=1")).nextCursor}`, `after=${events[0].id}&format=csv`]) {
      const r = await api("GET", `/api/v1/audit?${query}`, undefined, viewer);
      expect(r.status, query).toBe(400);
      expect(Object.keys(r.body.error.details.fields), query).toEqual(["after"]);
    }
    expect((await api("GET", `/api/v1/audit?after=${unknown}`, undefined, viewer)).body.error.details.fields.after).toMatch(/no event with this id/);
  });
});

describe("GET /audit/stats honours every filter of the list", () => {
  type Stats = {
    series: { t: string; decision: string; count: number }[];
    latency: { t: string; p50: number | null; p99: number | null }[];
    topTools: { tool: string; count: number }[];
    topDeniedRules: { rule: string | null; tool: string | null; serverId: string; policyId: string | null; policyScope: string | null; count: number }[];
  };
  const count = <T,>(items: T[], key: (i: T) => string) => {
    const m = new Map<string, number>();
    for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
    return Object.fromEntries(m);
  };

  for (const [name, filter] of [
    ["no filter", () => ""],
    ["a server", () => `serverId=${s.two.id}`],
    ["a grant", () => `grantId=${g.plain.id}`],
    ["a tool", () => "tool=delete_file"],
    ["decisions", () => "decision=deny,hide"],
    ["a server and a decision", () => `serverId=${s.one.id}&decision=allow`],
    ["a narrower time range", () => `from=${events[2].time}&to=${events[6].time}`],
  ] as const) {
    it(`${name}: the series, latency and tops count exactly the events the list shows`, async () => {
      const q = filter();
      const range = q.includes("from=") ? q : `${q}${q ? "&" : ""}from=${from}&to=${to}`;
      const shown = (await list(`${range}&limit=1000`)).items;
      expect(shown.length).toBeGreaterThan(0);
      const r = await api("GET", `/api/v1/audit/stats?${range}`, undefined, viewer);
      expect(r.status).toBe(200);
      const stats = r.body as Stats;
      const byDecision: Record<string, number> = {};
      for (const p of stats.series) byDecision[p.decision] = (byDecision[p.decision] ?? 0) + p.count;
      expect(byDecision).toEqual(count(shown, (e) => e.decision));
      expect(Object.fromEntries(stats.topTools.map((t) => [t.tool, t.count]))).toEqual(count(shown, (e) => e.tool));
      const denied = shown.filter((e) => e.decision !== "allow");
      expect(Object.fromEntries(stats.topDeniedRules.map((t) => [`${t.serverId} ${t.rule} ${t.tool}`, t.count]))).toEqual(count(denied, (e) => `${e.serverId} ${e.rulePointer} ${e.tool}`));
      // Latency only from the events shown that were forwarded (timed).
      expect(stats.latency.length > 0).toBe(shown.some((e) => e.latencyMs !== null));
    });
  }

  it("each top denied rule names its server and the policy it is in: the server's, or the grant's own", async () => {
    const stats = (await api("GET", `/api/v1/audit/stats?from=${from}&to=${to}`, undefined, viewer)).body as Stats;
    const find = (serverId: string, rule: string) => stats.topDeniedRules.find((t) => t.serverId === serverId && t.rule === rule && t.tool === "delete_file");
    expect(find(s.one.id, "/tools/delete_file/action")).toEqual({ rule: "/tools/delete_file/action", tool: "delete_file", serverId: s.one.id, policyId: s.one.policyId, policyScope: "server", count: 2 });
    expect(find(s.one.id, "/default")).toEqual({ rule: "/default", tool: "delete_file", serverId: s.one.id, policyId: g.own.policyId, policyScope: "grant", count: 1 });
    expect(find(s.two.id, "/default")).toEqual({ rule: "/default", tool: "delete_file", serverId: s.two.id, policyId: s.two.policyId, policyScope: "server", count: 1 });
    // Most denials first.
    expect(stats.topDeniedRules[0]).toMatchObject({ rule: "/tools/delete_file/action", count: 2 });
  });
});

describe("the operation of a multiplexed tool's call", () => {
  // Two days before the other events: no other test's range or page reaches them.
  const t0 = Date.now() - 2 * 86_400_000;
  const range = `from=${new Date(t0 - 1000).toISOString()}&to=${new Date(t0 + 10_000).toISOString()}`;
  const ops: { id: string; tool: string; operation: string | null; decision: string }[] = [];

  beforeAll(async () => {
    const id = createEventIdGenerator();
    const orgId = (await sql.query(`SELECT "orgId" FROM "Server" WHERE id = $1`, [s.one.id])).rows[0].orgId as string;
    const rows: [string, string | null, string][] = [
      ["manage_aws_glue_jobs", "get-job", "allow"],
      ["manage_aws_glue_jobs", "delete-job", "require_approval"],
      ["manage_aws_glue_jobs", "get-job", "allow"],
      ["echo", null, "allow"],
    ];
    for (const [i, [tool, operation, decision]] of rows.entries()) {
      const t = t0 + i * 1000;
      const e = { id: id(t), tool, operation, decision };
      ops.push(e);
      await sql.query(
        `INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", "grantId", method, tool, operation, decision) VALUES ($1, $2, $3, $4, $5, 'tools/call', $6, $7, $8)`,
        [e.id, new Date(t), orgId, s.one.id, g.plain.id, tool, operation, decision],
      );
    }
  });

  it("is in each event, and filters the list, its export and the stats", async () => {
    const all = (await list(range)).items as unknown as { id: string; tool: string; operation: string | null }[];
    expect(all.map((e) => [e.tool, e.operation])).toEqual(ops.map((e) => [e.tool, e.operation]).reverse());

    const gets = await list(`${range}&operation=get-job`);
    expect(idsOf(gets.items)).toEqual([ops[2].id, ops[0].id]);
    expect(idsOf((await list(`${range}&tool=manage_aws_glue_jobs&operation=delete-job`)).items)).toEqual([ops[1].id]);
    expect((await list(`${range}&tool=echo&operation=get-job`)).items).toEqual([]);

    const csv = await api("GET", `/api/v1/audit?${range}&operation=get-job&format=csv`, undefined, viewer);
    expect(csv.status).toBe(200);
    const [header, ...lines] = String(csv.body).trim().split("\n");
    expect(header.split(",")).toContain("operation");
    const column = header.split(",").indexOf("operation");
    expect(lines.map((l) => l.split(",")[column])).toEqual(["get-job", "get-job"]);
    const json = await api("GET", `/api/v1/audit?${range}&operation=delete-job&format=json`, undefined, viewer);
    expect(json.body).toMatchObject([{ id: ops[1].id, operation: "delete-job" }]);

    const stats = (await api("GET", `/api/v1/audit/stats?${range}&operation=get-job`, undefined, viewer)).body as { series: { decision: string; count: number }[]; topTools: { tool: string; count: number }[] };
    expect(stats.series.reduce((n, p) => n + p.count, 0)).toBe(2);
    expect(stats.topTools).toEqual([{ tool: "manage_aws_glue_jobs", count: 2 }]);
  });

  it("400 naming `operation` for a value longer than 300 characters", async () => {
    const r = await api("GET", `/api/v1/audit?operation=${"x".repeat(301)}`, undefined, viewer);
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.error.details.fields)).toEqual(["operation"]);
  });
});
