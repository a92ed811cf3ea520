import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createGatewayHandler } from "../../gateway/http/handler";
import { nodeRequest, nodeResponse, type GatewayRequest, type GatewayResponse } from "../../gateway/http/io";
import { SessionHistory } from "../../gateway/enforce/session-history";
import { DriftGuard } from "../../gateway/inventory/drift-guard";
import { SessionSealer } from "../../gateway/proxy/session-token";
import { createRateLimiter } from "../../gateway/ratelimit";
import { AuditWriter } from "../../gateway/audit/writer";
import { getDb } from "../db/client";
import { PrismaGatewayStore } from "../gateway-store/prisma-store";
import { ConfigListener } from "../gateway-store/config-listener";
import { PgAuditStore } from "../gateway-store/audit-store";
import { PrismaApprovalStore } from "../gateway-store/approval-store";
import { approvalEvents } from "../approvals/events";
import { startApprovalNotifier } from "../approvals/webhook";
import { legacyState } from "../../gateway/proxy/legacy/state";
import type { GatewayDeps } from "../../gateway/proxy/context";
import { StdioHost } from "../../gateway/stdio/stdio-host";
import { ConnectorHub } from "../../gateway/stdio/connector-hub";
import { LocalProcessOpener } from "../../gateway/stdio/local-process";
import { stdioPolicyFromEnv } from "../../gateway/stdio/stdio-policy";
import { PrismaConnectorAuthority } from "../stdio/connector-authority";

// Wires the framework-free gateway to PostgreSQL (config cache + LISTEN/NOTIFY, audit store),
// the rate limiter (memory, or Redis with REDIS_URL) and the session sealer. One instance per
// process, kept on globalThis: the custom server and Next's route-handler adapter (bundled
// separately) both find it there.
export interface GatewayRuntime {
  handle(req: GatewayRequest, res: GatewayResponse): Promise<void>;
  handleNode(req: IncomingMessage, res: ServerResponse): Promise<void>;
  store: PrismaGatewayStore;
  audit: AuditWriter;
  /** Command and connector servers (docs/stdio-servers.md). */
  stdio: StdioHost;
  connectors: ConnectorHub;
  close(): Promise<void>;
}

const g = globalThis as unknown as { __toolgateGateway?: Promise<GatewayRuntime> };

export function getGateway(): Promise<GatewayRuntime> {
  g.__toolgateGateway ??= createGatewayRuntime().catch((err) => {
    g.__toolgateGateway = undefined;
    throw err;
  });
  return g.__toolgateGateway;
}

/** The runtime if this process has started it (nothing is started just to ask). */
export function runningGateway(): Promise<GatewayRuntime> | undefined {
  return g.__toolgateGateway;
}

const APPROVAL_SWEEP_MS = 15_000;

async function createGatewayRuntime(env: NodeJS.ProcessEnv = process.env): Promise<GatewayRuntime> {
  const databaseUrl = env.DATABASE_URL;
  const secret = env.TOOLGATE_ENCRYPTION_KEY;
  if (!databaseUrl || !secret) throw new Error("the gateway needs DATABASE_URL and TOOLGATE_ENCRYPTION_KEY");
  const db = getDb();
  const store = new PrismaGatewayStore(db);
  // Command and connector servers: processes behind a loopback Streamable HTTP endpoint, so
  // the gateway reaches them exactly as it reaches HTTP upstreams.
  const connectors = new ConnectorHub(new PrismaConnectorAuthority(db));
  const stdio = new StdioHost({
    spec: (serverId) => store.launchSpec(serverId),
    openers: { command: new LocalProcessOpener(() => stdioPolicyFromEnv(env), splitList(env.TOOLGATE_STDIO_PASS_ENV)), connector: connectors },
    maxPerOrg: positiveInt(env.TOOLGATE_STDIO_MAX_PER_ORG, 20),
  });
  await stdio.start();
  store.localUpstream = (serverId) => stdio.upstream(serverId);
  const listener = new ConfigListener(databaseUrl, () => store.invalidate());
  await listener.start();
  const limiter = createRateLimiter({ redisUrl: env.REDIS_URL || undefined });
  const auditStore = new PgAuditStore(databaseUrl);
  const audit = new AuditWriter({ store: auditStore, spillDir: path.resolve(env.TOOLGATE_DATA_DIR ?? ".toolgate", "audit-spill") });
  const publicUrl = env.TOOLGATE_PUBLIC_URL;
  // Webhook notifications of new and decided requests (once per process; also when only Next
  // serves /mcp through the route-handler adapter, which creates this runtime too).
  startApprovalNotifier();
  const approvals = new PrismaApprovalStore(db, { onRequested: (approvalId, orgId) => void approvalEvents().emit("requested", { approvalId, orgId }) });
  // Requests past their expiry are closed by a sweeper (every replica runs one; the update is idempotent).
  const sweeper = setInterval(() => void approvals.expire().catch(() => {}), APPROVAL_SWEEP_MS);
  sweeper.unref();
  const deps: GatewayDeps = {
    store,
    limiter,
    audit,
    sealer: new SessionSealer(secret),
    history: new SessionHistory(),
    drift: new DriftGuard(store),
    approvals,
    approvalUrl: publicUrl ? (id) => `${publicUrl.replace(/\/$/, "")}/approvals/${id}` : undefined,
    options: {
      maxBodyBytes: Number(env.TOOLGATE_MAX_BODY_BYTES ?? 4 * 1024 * 1024),
      maxUpstreamBodyBytes: 32 * 1024 * 1024,
      upstreamTimeoutMs: Number(env.TOOLGATE_UPSTREAM_TIMEOUT_MS ?? 60_000),
      allowedOrigins: splitList(env.TOOLGATE_ALLOWED_ORIGINS),
      publicOrigin: publicUrl ? new URL(publicUrl).origin : undefined,
    },
  };
  const handle = createGatewayHandler(deps);
  return {
    handle,
    handleNode: (req, res) => handle(nodeRequest(req, res), nodeResponse(res)),
    store,
    audit,
    stdio,
    connectors,
    async close() {
      // Legacy HTTP+SSE bridges hold an upstream stream each: end them with the process.
      legacyState(deps).bridges.closeAll();
      clearInterval(sweeper);
      await connectors.close();
      await stdio.close();
      await listener.stop();
      await audit.close();
      await auditStore.close();
      await limiter.close();
    },
  };
}

export async function closeGateway() {
  const running = g.__toolgateGateway;
  g.__toolgateGateway = undefined;
  if (running) await (await running).close().catch(() => {});
}

/** A whole number ≥ 1, or the default (a bad value must not lift a cap). */
function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n >= 1 ? n : fallback;
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
