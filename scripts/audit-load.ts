// Measures the audit page's API calls against a realistic log: starts Toolgate (as `npm start`
// does) on a fresh embedded PostgreSQL, seeds N audit events (default 10,000) spread over the
// last 7 days across 3 servers and 6 grants, then times every call the audit and grants pages
// make: list pages with each filter, the chart stats per range, and CSV/JSON exports of all.
//
//   node --import tsx scripts/audit-load.ts [--events 10000] [--runs 7] [--serve]
//
// --serve keeps Toolgate running afterwards and prints a sign-in, to look at the pages by hand.
// Needs a build (node --import tsx scripts/build.ts; TOOLGATE_DIST_DIR is honoured).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startEmbeddedPostgres } from "../lib/runtime/embedded-postgres";
import { startToolgateProcess } from "../tests/helpers/toolgate-process";
import { createEventIdGenerator } from "../gateway/audit/ids";

const arg = (name: string, fallback: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : fallback);
const EVENTS = Number(arg("events", "10000"));
const RUNS = Number(arg("runs", "7"));
const SERVE = process.argv.includes("--serve");
const PASSWORD = "correct horse battery staple";

const SERVERS = [
  { name: "github", url: "https://api.githubcopilot.com/mcp/", tools: { search_code: ["query"], create_issue: ["repo", "title", "body"], merge_pull_request: ["repo", "number"], delete_repository: ["repo"] } },
  { name: "filesystem", url: "http://127.0.0.1:9/mcp", tools: { read_file: ["path"], write_file: ["path", "content"], delete_file: ["path"], list_directory: ["path"] } },
  { name: "payments", url: "https://mcp.stripe.example/mcp", tools: { create_charge: ["amount", "currency"], refund: ["charge_id"], list_customers: ["limit"] } },
] as const;
const GRANTS = ["ci-runner", "claude-code-alex", "cursor-kim", "support-bot", "nightly-report", "staging-agent"];

// A small deterministic PRNG, so two runs seed the same log.
let seed = 42;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

function decisionFor(tool: string): { decision: string; rule: string; message: string | null } {
  const r = rand();
  if (/delete|merge|refund/.test(tool) && r < 0.6) return { decision: "deny", rule: r < 0.3 ? "/default" : `/tools/${tool}/deny_if/0`, message: `${tool} is not allowed for this agent` };
  if (r < 0.8) return { decision: "allow", rule: `/tools/${tool}`, message: null };
  if (r < 0.9) return { decision: "deny", rule: "/default", message: "no rule allows this tool (default: deny)" };
  if (r < 0.95) return { decision: "rate_limited", rule: `/tools/${tool}/limits/0`, message: "rate limit of 60 per minute reached" };
  if (r < 0.98) return { decision: "hide", rule: `/tools/${tool}`, message: "tool is hidden" };
  return { decision: "require_approval", rule: `/tools/${tool}/approval`, message: "waiting for approval" };
}

/** Event times over 7 days: most in the last 24 h, a burst in the last hour, sorted. */
function eventTimes(n: number, now: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const back = r < 0.15 ? rand() * 3600_000 : r < 0.6 ? rand() * 86_400_000 : rand() * 7 * 86_400_000;
    out.push(now - back);
  }
  return out.sort((a, b) => a - b);
}

async function main() {
  const root = mkdtempSync(path.join(tmpdir(), "toolgate-audit-load-"));
  chmodSync(root, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
  const log = (m: string) => console.log(`[audit-load] ${m}`);
  log(`data in ${root}`);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(root, "db"), password: randomBytes(12).toString("hex") }).catch((err) => {
    rmSync(root, { recursive: true, force: true });
    throw err;
  });
  const app = await startToolgateProcess({ databaseUrl: pg.url, dataDir: path.join(root, "app"), env: { TOOLGATE_SKIP_BUILD: "1" } }).catch(async (err) => {
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
    throw err;
  });
  log(`Toolgate on ${app.url}`);
  process.env.DATABASE_URL = pg.url;
  const { getDb } = await import("../lib/db/client");
  const { signUp } = await import("../lib/orgs/sign-up");
  const { createApiKey } = await import("../lib/orgs/api-keys");
  const { createServer } = await import("../lib/servers/create-server");
  const { createGrant } = await import("../lib/grants/grants");
  const db = getDb();

  let exitCode = 0;
  try {
    const email = `load-${Date.now().toString(36)}@example.com`;
    const { user, organization } = await signUp(db, { email, password: PASSWORD, name: "Load Test" });
    const actor = { type: "user" as const, id: user.id, label: user.email };
    const { key } = await createApiKey(db, actor, organization.id, "audit-load");
    const servers: { id: string; tools: Record<string, readonly string[]> }[] = [];
    for (const s of SERVERS) servers.push({ id: (await createServer(db, actor, organization.id, { name: s.name, url: s.url })).id, tools: s.tools });
    const grants: { id: string; serverId: string }[] = [];
    for (const [i, label] of GRANTS.entries()) {
      const serverId = servers[i % servers.length].id;
      grants.push({ id: (await createGrant(db, actor, organization.id, { serverId, label })).id, serverId });
    }

    // Seed the log, in time order (event ids embed their time, as the gateway makes them).
    const t0 = performance.now();
    const now = Date.now();
    const nextId = createEventIdGenerator();
    const rows = eventTimes(EVENTS, now).map((t) => {
      const g = pick(grants);
      const server = servers.find((s) => s.id === g.serverId)!;
      const tool = pick(Object.keys(server.tools));
      const argKeys = [...server.tools[tool]];
      const d = decisionFor(tool);
      const forwarded = d.decision === "allow";
      return {
        id: nextId(t),
        time: new Date(t),
        orgId: organization.id,
        serverId: server.id,
        grantId: g.id,
        sessionId: `ses_${randomBytes(8).toString("base64url")}`,
        requestId: String(Math.floor(rand() * 1000)),
        method: "tools/call",
        tool,
        decision: d.decision,
        rulePointer: d.rule,
        message: d.message,
        policyVersion: 1 + Math.floor(rand() * 3),
        argKeys,
        args: rand() < 0.3 ? Object.fromEntries(argKeys.map((k) => [k, k === "amount" ? Math.round(rand() * 10000) : `${k}-${Math.floor(rand() * 100)}`])) : undefined,
        latencyMs: forwarded ? Math.round((1 + Math.exp(rand() * 4)) * 100) / 100 : null,
        upstreamStatus: forwarded ? (rand() < 0.02 ? 502 : 200) : null,
      };
    });
    for (let i = 0; i < rows.length; i += 1000) await db.auditEvent.createMany({ data: rows.slice(i, i + 1000) });
    await db.$executeRawUnsafe(`ANALYZE "AuditEvent"`);
    log(`seeded ${rows.length.toLocaleString("en-US")} events in ${Math.round(performance.now() - t0)} ms`);

    const headers = { authorization: `Bearer ${key}` };
    const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    const H = 3600_000;
    const D = 24 * H;
    async function get(p: string) {
      const started = performance.now();
      const res = await fetch(`${app.url}${p}`, { headers });
      const body = await res.text();
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`${p} → ${res.status} ${body.slice(0, 300)}`);
      return { ms, body };
    }
    const results: { name: string; median: number; p90: number; max: number; bytes: number; note: string }[] = [];
    async function measure(name: string, p: () => string, note: (body: string) => string = () => "") {
      await get(p()); // warm-up (compiles the route, fills pools)
      const times: number[] = [];
      let last = "";
      for (let i = 0; i < RUNS; i++) {
        const r = await get(p());
        times.push(r.ms);
        last = r.body;
      }
      times.sort((a, b) => a - b);
      results.push({ name, median: times[Math.floor(times.length / 2)], p90: times[Math.min(times.length - 1, Math.ceil(times.length * 0.9) - 1)], max: times[times.length - 1], bytes: last.length, note: note(last) });
    }
    const items = (b: string) => `${(JSON.parse(b) as { items: unknown[] }).items.length} items`;

    const first = JSON.parse((await get(`/api/v1/audit?from=${iso(7 * D)}&limit=50`)).body) as { nextCursor: string };
    let deep = first.nextCursor;
    for (let i = 0; i < 18; i++) deep = (JSON.parse((await get(`/api/v1/audit?from=${iso(7 * D)}&limit=50&cursor=${deep}`)).body) as { nextCursor: string }).nextCursor;
    const g0 = grants[0].id;
    const s1 = servers[1].id;

    await measure("list: 24 h, first page (50)", () => `/api/v1/audit?from=${iso(D)}&limit=50`, items);
    await measure("list: 7 d, first page (50)", () => `/api/v1/audit?from=${iso(7 * D)}&limit=50`, items);
    await measure("list: 7 d, page 2 (cursor)", () => `/api/v1/audit?from=${iso(7 * D)}&limit=50&cursor=${first.nextCursor}`, items);
    await measure("list: 7 d, page 20 (cursor)", () => `/api/v1/audit?from=${iso(7 * D)}&limit=50&cursor=${deep}`, items);
    await measure("list: decision=deny,rate_limited", () => `/api/v1/audit?from=${iso(7 * D)}&decision=deny,rate_limited&limit=50`, items);
    await measure("list: tool=delete_file", () => `/api/v1/audit?from=${iso(7 * D)}&tool=delete_file&limit=50`, items);
    await measure("list: grant", () => `/api/v1/audit?from=${iso(7 * D)}&grantId=${g0}&limit=50`, items);
    await measure("list: server + decision + tool", () => `/api/v1/audit?from=${iso(7 * D)}&serverId=${s1}&decision=deny&tool=delete_file&limit=50`, items);
    await measure("list: 15 min", () => `/api/v1/audit?from=${iso(0.25 * H)}&limit=50`, items);
    for (const [label, span] of [["15 min", 0.25 * H], ["1 h", H], ["24 h", D], ["7 d", 7 * D]] as const) {
      await measure(`stats: ${label}`, () => `/api/v1/audit/stats?from=${iso(span)}&to=${iso(0)}`, (b) => {
        const s = JSON.parse(b) as { bucket: string; series: unknown[] };
        return `${s.series.length} series points by ${s.bucket}`;
      });
    }
    await measure("stats: 7 d, one server", () => `/api/v1/audit/stats?from=${iso(7 * D)}&to=${iso(0)}&serverId=${s1}`);
    await measure(`export CSV: 7 d (all ${EVENTS.toLocaleString("en-US")})`, () => `/api/v1/audit?from=${iso(8 * D)}&format=csv`, (b) => `${b.trimEnd().split("\n").length - 1} rows`);
    await measure(`export JSON: 7 d (all ${EVENTS.toLocaleString("en-US")})`, () => `/api/v1/audit?from=${iso(8 * D)}&format=json`, (b) => `${(JSON.parse(b) as unknown[]).length} rows`);
    await measure("export CSV: decision=deny", () => `/api/v1/audit?from=${iso(8 * D)}&decision=deny&format=csv`, (b) => `${b.trimEnd().split("\n").length - 1} rows`);
    await measure("grants list (usage from the log)", () => `/api/v1/grants`, items);
    await measure("admin log: first page", () => `/api/v1/audit/admin?limit=50`, items);

    const w = Math.max(...results.map((r) => r.name.length));
    console.log(`\n${EVENTS.toLocaleString("en-US")} audit events; ${RUNS} runs each after a warm-up; milliseconds, end to end over HTTP (API key)\n`);
    console.log(`${"call".padEnd(w)}  median     p90     max      size  answer`);
    for (const r of results) {
      console.log(
        `${r.name.padEnd(w)}  ${r.median.toFixed(1).padStart(6)}  ${r.p90.toFixed(1).padStart(6)}  ${r.max.toFixed(1).padStart(6)}  ${(r.bytes > 9999 ? `${Math.round(r.bytes / 1024)} KB` : `${r.bytes} B`).padStart(8)}  ${r.note}`,
      );
    }

    // The same filters as SQL, planned and run by PostgreSQL alone: which index, how long.
    console.log(`\nPostgreSQL alone (EXPLAIN ANALYZE, the queries the list and stats run):\n`);
    const from7d = new Date(Date.now() - 7 * D).toISOString();
    const plans: [string, string, unknown[]][] = [
      ["list: 7 d, first page", `SELECT * FROM "AuditEvent" WHERE "orgId" = $1 AND "time" >= $2::timestamp ORDER BY "time" DESC, "id" DESC LIMIT 51`, [organization.id, from7d]],
      ["list: decision=deny", `SELECT * FROM "AuditEvent" WHERE "orgId" = $1 AND "decision" IN ('deny') AND "time" >= $2::timestamp ORDER BY "time" DESC, "id" DESC LIMIT 51`, [organization.id, from7d]],
      ["list: tool=delete_file", `SELECT * FROM "AuditEvent" WHERE "orgId" = $1 AND "tool" = 'delete_file' AND "time" >= $2::timestamp ORDER BY "time" DESC, "id" DESC LIMIT 51`, [organization.id, from7d]],
      ["list: grant", `SELECT * FROM "AuditEvent" WHERE "orgId" = $1 AND "grantId" = $3 AND "time" >= $2::timestamp ORDER BY "time" DESC, "id" DESC LIMIT 51`, [organization.id, from7d, g0]],
      ["stats: 7 d series", `SELECT date_trunc('hour', "time") AS t, "decision", count(*) FROM "AuditEvent" WHERE "orgId" = $1 AND "time" >= $2::timestamp GROUP BY 1, 2`, [organization.id, from7d]],
    ];
    for (const [name, sql, params] of plans) {
      const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: Record<string, unknown>; "Execution Time": number }] }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, ...params);
      const plan = row["QUERY PLAN"][0];
      const indexes = new Set<string>();
      const walk = (n: Record<string, unknown>) => {
        if (n["Index Name"]) indexes.add(String(n["Index Name"]));
        for (const c of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(c);
      };
      walk(plan.Plan);
      console.log(`${name.padEnd(w)}  ${plan["Execution Time"].toFixed(2).padStart(6)} ms  ${indexes.size ? `index: ${[...indexes].join(", ")}` : `(${String(plan.Plan["Node Type"])})`}`);
    }

    if (SERVE) {
      console.log(`\nServing ${app.url} — sign in as ${email} / ${PASSWORD}. Ctrl+C stops.`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
    }
  } catch (err) {
    console.error(err);
    exitCode = 1;
  } finally {
    await db.$disconnect().catch(() => {});
    await app.stop();
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

void main();
