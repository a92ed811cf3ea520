import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { newEventId } from "../../gateway/audit/ids";
import { AuditWriter } from "../../gateway/audit/writer";
import type { AuditEvent } from "../../gateway/ports";
import { disconnectDb } from "../../lib/db/client";
import { applyMigrations } from "../../lib/db/migrations/apply";
import { PgAuditStore } from "../../lib/gateway-store/audit-store";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/runtime/embedded-postgres";

// The shared PostgreSQL of the integration run cannot be stopped, so this file starts its own,
// stops it while traffic is being audited, "restarts the process" (a new writer on the same
// spill folder) during the outage, then starts PostgreSQL again on the same port.

const ROOT = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "audit-writer";
const ORG = "org_audit_writer";

let dataDir: string;
let db: EmbeddedDatabase | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "toolgate-audit-"));
  db = await startEmbeddedPostgres({ dataDir, password: PASSWORD, database: "audit" });
  await applyMigrations({ databaseUrl: db.url, migrationsDir: path.join(ROOT, "prisma/migrations"), schemaPath: path.join(ROOT, "prisma/schema.prisma") });
  await query(`INSERT INTO "Organization" (id, name, "updatedAt") VALUES ($1, 'Audit', now())`, [ORG]);
  process.env.DATABASE_URL = db.url;
});

const stores: PgAuditStore[] = [];

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await disconnectDb();
  await db?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: db!.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function event(n: number): AuditEvent {
  return {
    id: newEventId(),
    time: new Date().toISOString(),
    orgId: ORG,
    serverId: "srv_audit",
    grantId: "gnt_audit",
    sessionId: `ses_${n % 7}`,
    requestId: String(n),
    method: "tools/call",
    // Every 97th event carries what PostgreSQL refuses raw (NUL, a lone surrogate).
    tool: n % 97 === 0 ? "echo\u0000" : "echo",
    operation: n % 3 === 0 ? "get-job" : null,
    decision: n % 5 === 0 ? "deny" : "allow",
    rulePointer: n % 5 === 0 ? "/rules/0" : null,
    message: null,
    policyVersion: 3,
    argKeys: ["text"],
    args: n % 97 === 0 ? { text: "x\u0000\ud800" } : n % 2 === 0 ? { text: `call ${n}` } : null,
    latencyMs: 1.25,
    upstreamStatus: 200,
    approvalId: null,
  };
}

/** Records ~4,000 events/s into whichever writer is current until stopped. */
function startTraffic(current: () => AuditWriter | null) {
  const ids: string[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const writer = current();
      if (writer) {
        for (let i = 0; i < 20; i++) {
          const e = event(ids.length);
          ids.push(e.id);
          writer.record(e);
        }
      }
      await sleep(5);
    }
  })();
  return { ids, stop: async () => ((running = false), await done) };
}

function newWriter(spillDir: string): AuditWriter {
  return new AuditWriter({
    store: stores[stores.push(new PgAuditStore(db!.url)) - 1],
    spillDir,
    maxBuffer: 500,
    batchSize: 100,
    flushIntervalMs: 20,
    retryMaxMs: 500,
    spillFileEvents: 400,
    writeTimeoutMs: 5_000,
  });
}

describe("audit writer against a real PostgreSQL that stops and restarts", () => {
  it("writes every event exactly once, spilling to disk during the outage", async () => {
    const spillDir = path.join(dataDir, "audit-spill");
    let writer: AuditWriter | null = newWriter(spillDir);
    const traffic = startTraffic(() => writer);
    const stats: ReturnType<AuditWriter["stats"]>[] = [];

    await vi.waitFor(() => expect(writer!.stats().written).toBeGreaterThanOrEqual(500), { timeout: 20_000, interval: 20 });
    await db!.stop();
    await vi.waitFor(() => expect(writer!.stats().spilled).toBeGreaterThanOrEqual(1_000), { timeout: 20_000, interval: 20 });
    expect(writer!.stats().retrying).toBe(true);

    // A process restart in the middle of the outage: the old writer spills what it holds.
    const old = writer!;
    writer = null;
    await old.close();
    stats.push(old.stats());
    writer = newWriter(spillDir);
    await vi.waitFor(() => expect(writer!.stats().spilled).toBeGreaterThanOrEqual(500), { timeout: 20_000, interval: 20 });
    expect(readdirSync(spillDir).filter((f) => f.startsWith("audit-")).length).toBeGreaterThan(1);

    db = await startEmbeddedPostgres({ dataDir, password: PASSWORD, database: "audit", port: db!.port });
    await sleep(300);
    await traffic.stop();
    await vi.waitFor(
      async () => {
        await writer!.flush();
        expect(writer!.stats()).toMatchObject({ buffered: 0, spillFiles: 0 });
      },
      { timeout: 60_000, interval: 100 },
    );
    stats.push(writer.stats());
    await writer.close();

    expect(stats.reduce((n, s) => n + s.dropped + s.rejected, 0)).toBe(0);
    const rows = await query<{ id: string; n: string }>(`SELECT id, count(*) AS n FROM "AuditEvent" GROUP BY id`);
    expect(rows.every((r) => r.n === "1")).toBe(true);
    expect(rows.map((r) => r.id).sort()).toEqual([...traffic.ids].sort());
    expect(readdirSync(spillDir).filter((f) => f.startsWith("audit-"))).toEqual([]);

    const [odd] = await query<{ tool: string; args: unknown }>(`SELECT tool, args FROM "AuditEvent" WHERE "requestId" = '0'`);
    expect(odd).toEqual({ tool: "echo\uFFFD", args: { text: "x\uFFFD\uFFFD" } });
    console.info(`audit-writer: ${traffic.ids.length} events; first writer ${JSON.stringify(stats[0])}; second ${JSON.stringify(stats[1])}`);
  });
});

describe("PgAuditStore", () => {
  it("stores each field as Prisma reads it back (UTC time, NULL arguments, arrays, JSON), replaces what jsonb refuses, and ignores a repeated id", async () => {
    const store = new PgAuditStore(db!.url);
    stores.push(store);
    const base = { orgId: ORG, serverId: "srv_pg", grantId: "gnt_pg", sessionId: null, method: "tools/call", decision: "allow", rulePointer: "/tools/x", message: null, policyVersion: 3, latencyMs: 1.25, upstreamStatus: 200, approvalId: null };
    const plain: AuditEvent = { ...base, id: newEventId(), time: "2026-11-24T05:06:07.891Z", requestId: "1", tool: "x", operation: "get-job", argKeys: ["a", "b"], args: null };
    const odd: AuditEvent = { ...base, id: newEventId(), time: "2026-11-24T23:59:59.999Z", requestId: "\ud800", tool: "t\u0000", operation: "op\u0000", argKeys: ["k\udfff"], args: { nested: [1, "two", { "\u0000": "\ud83d\ude00" }] }, message: "m\u0000" };
    await store.writeBatch([plain, odd]);
    await store.writeBatch([plain]); // a retried batch: no duplicate, no error

    const { getDb } = await import("../../lib/db/client");
    const rows = await getDb().auditEvent.findMany({ where: { serverId: "srv_pg" }, orderBy: { time: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: plain.id, time: new Date(plain.time), argKeys: ["a", "b"], args: null, policyVersion: 3, latencyMs: 1.25, upstreamStatus: 200, tool: "x", operation: "get-job", grantId: "gnt_pg", sessionId: null });
    expect(rows[1]).toMatchObject({ id: odd.id, time: new Date(odd.time), requestId: "\uFFFD", tool: "t\uFFFD", operation: "op\uFFFD", argKeys: ["k\uFFFD"], args: { nested: [1, "two", { "\uFFFD": "\ud83d\ude00" }] }, message: "m\uFFFD" });
  });
});
