/**
 * What an audit batch costs the gateway process: Prisma createMany (planned by Prisma's
 * WebAssembly query compiler on every call; the store's first version) against one SQL
 * statement that takes the whole batch as a single JSON parameter (jsonb_to_recordset), sent
 * through pg (PgAuditStore, the store now) and through Prisma's raw query. CPU time of this
 * process per event (process.cpuUsage: what the gateway's event loop would pay) and wall time
 * per batch, on a throwaway embedded PostgreSQL.
 *   node --import tsx bench/gateway-audit-store.bench.ts
 * Evidence for docs/performance.md ("Gateway").
 */
import { randomBytes } from "node:crypto";
import type { AuditEvent } from "../gateway/ports";
import { startBenchDatabase, type BenchDatabase } from "./lib/database";
import { seed } from "./lib/seed";
import { stopAllChildren } from "./lib/children";

const BATCHES = [100, 500];
const ROUNDS = 20;

function events(n: number, orgId: string, serverId: string, grantId: string): AuditEvent[] {
  return Array.from({ length: n }, () => ({
    id: `evt_${randomBytes(10).toString("hex")}`,
    time: new Date().toISOString(),
    orgId,
    serverId,
    grantId,
    sessionId: `${grantId}:${randomBytes(8).toString("hex")}`,
    requestId: "7",
    method: "tools/call",
    tool: "echo",
    operation: null,
    decision: "allow",
    rulePointer: "/tools/echo",
    message: null,
    policyVersion: 1,
    argKeys: ["text"],
    args: null,
    latencyMs: 0.42,
    upstreamStatus: 200,
    approvalId: null,
  }));
}

// The whole batch as one jsonb parameter: one statement text whatever the batch size, so nothing
// is planned per batch in JavaScript, and serialising is one native JSON.stringify.
const INSERT_JSON = `
INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", "grantId", "sessionId", "requestId", method, tool, decision,
  "rulePointer", message, "policyVersion", "argKeys", args, "latencyMs", "upstreamStatus", "approvalId")
SELECT id, time, "orgId", "serverId", "grantId", "sessionId", "requestId", method, tool, decision,
  "rulePointer", message, "policyVersion", ARRAY(SELECT jsonb_array_elements_text("argKeys")), args, "latencyMs", "upstreamStatus", "approvalId"
FROM jsonb_to_recordset($1::jsonb) AS r(id text, time timestamptz, "orgId" text, "serverId" text, "grantId" text, "sessionId" text,
  "requestId" text, method text, tool text, decision text, "rulePointer" text, message text, "policyVersion" int, "argKeys" jsonb,
  args jsonb, "latencyMs" float8, "upstreamStatus" int, "approvalId" text)
ON CONFLICT (id) DO NOTHING`;

async function measure(label: string, size: number, write: (batch: AuditEvent[]) => Promise<void>, make: () => AuditEvent[]) {
  for (let i = 0; i < 3; i++) await write(make()); // warm-up (JIT, plan caches)
  let cpuUs = 0, wallMs = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const batch = make();
    const cpu = process.cpuUsage();
    const t = performance.now();
    await write(batch);
    wallMs += performance.now() - t;
    const d = process.cpuUsage(cpu);
    cpuUs += d.user + d.system;
  }
  console.log(`| ${label} | ${size} | ${(cpuUs / (ROUNDS * size)).toFixed(1)} µs | ${(wallMs / ROUNDS).toFixed(1)} ms |`);
}

/** createMany's row shape, as the first PrismaAuditStore built it. */
function prismaRows() {
  return {
    toPrismaRow: (e: AuditEvent) => ({ ...e, time: new Date(e.time), args: e.args === null ? undefined : (e.args as object) }),
  };
}

async function main() {
  let db: BenchDatabase | undefined;
  try {
    db = await startBenchDatabase(() => {});
    process.env.DATABASE_URL = db.url;
    process.env.TOOLGATE_ENCRYPTION_KEY = `v1:${randomBytes(32).toString("base64")}`;
    const seeded = await seed("http://127.0.0.1:9/mcp", ["bench"]);
    const orgId = (await db.query.query<{ id: string }>(`SELECT "orgId" AS id FROM "Server" WHERE id = $1`, [seeded.serverId])).rows[0].id;
    const make = (n: number) => () => events(n, orgId, seeded.serverId, seeded.grants.bench.id);
    const { PgAuditStore } = await import("../lib/gateway-store/audit-store");
    const { getDb, disconnectDb } = await import("../lib/db/client");
    const store = new PgAuditStore(db.url);
    const { toPrismaRow } = prismaRows();
    const q = db.query;
    console.log("| store | events per batch | CPU in this process per event | wall per batch |\n| --- | ---: | ---: | ---: |");
    for (const size of BATCHES) {
      await measure("Prisma createMany (the store until 2026-11-24)", size, async (b) => void (await getDb().auditEvent.createMany({ data: b.map(toPrismaRow), skipDuplicates: true })), make(size));
      await measure("PgAuditStore: one INSERT … jsonb_to_recordset($1) (pg)", size, (b) => store.writeBatch(b), make(size));
      await measure("the same statement through Prisma ($executeRawUnsafe)", size, async (b) => void (await getDb().$executeRawUnsafe(INSERT_JSON, JSON.stringify(b))), make(size));
    }
    const n = await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM "AuditEvent"`);
    console.log(`(${n.rows[0].n} rows written; ${ROUNDS} batches per line after 3 warm-up batches)`);
    await store.close();
    await disconnectDb();
  } finally {
    await db?.stop();
    await stopAllChildren();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
