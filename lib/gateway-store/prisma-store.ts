import { compilePolicy, validatePolicy, type ToolInfo, type RiskCategory, type RiskLevel } from "../../gateway/policy";
import type { GatewayStore, GrantRecord, PolicyHandle, UpstreamConfig } from "../../gateway/ports";
import type { PinnedTool, ToolDrift, ToolInventory } from "../../gateway/inventory/drift";
import { pendingDetails } from "../servers/pending-review";
import { recordToolDrift } from "../servers/record-drift";
import type { LaunchSpec } from "../../gateway/stdio/types";
import { detectOperations } from "../../gateway/risk/operations";
import { hashToken } from "../auth/tokens";
import { open, parseKeyRing, type KeyRing } from "../crypto/secret-box";
import type { Db } from "../db/client";
import { TtlCache } from "./ttl-cache";

// The gateway's view of PostgreSQL: grants, servers, compiled policies and tool info, each
// cached in this process. No query runs per call once the cache is warm; a change anywhere
// (trigger → NOTIFY → invalidate()) drops the caches, and a TTL bounds staleness regardless.
const TTL_MS = 30_000;
const NEGATIVE_TTL_MS = 5_000;
/**
 * Longest wait for one load. A PostgreSQL that accepts connections but never answers (frozen,
 * overloaded, behind a black-holed route) would otherwise hold every request for a key forever:
 * concurrent misses share one load, so even later requests would join the stuck one. Past this,
 * the load fails, callers fail closed (503, or a denial), and the next request tries again.
 * Generous, because a healthy but cold start is slow: the first query of a new process (Prisma
 * and pool start-up) was measured near 3 s on a busy 2-core machine.
 */
const LOAD_TIMEOUT_MS = 10_000;

export class StoreTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`the configuration store did not answer within ${ms} ms (${what})`);
    this.name = "StoreTimeoutError";
  }
}

export class PrismaGatewayStore implements GatewayStore {
  private readonly grants = new TtlCache<GrantRecord | null>(TTL_MS);
  private readonly servers = new TtlCache<UpstreamConfig | null>(TTL_MS);
  private readonly policies = new TtlCache<PolicyHandle | null>(TTL_MS, 10_000);
  private readonly tools = new TtlCache<ServerTools>(TTL_MS, 10_000);
  private readonly specs = new TtlCache<LaunchSpec | null>(TTL_MS);
  private readonly keys: KeyRing;
  /** Where command and connector servers are reached (the stdio host's loopback endpoint). */
  localUpstream?: (serverId: string) => { url: string; headers: Record<string, string> };

  constructor(
    private readonly db: Db,
    keys?: KeyRing,
    private readonly loadTimeoutMs = LOAD_TIMEOUT_MS,
  ) {
    this.keys = keys ?? parseKeyRing();
  }

  /** The load, failing with StoreTimeoutError when it takes too long (inside the cache, so a stuck load is not shared). */
  private bounded<T>(what: string, load: () => Promise<T>): () => Promise<T> {
    return () =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new StoreTimeoutError(what, this.loadTimeoutMs)), this.loadTimeoutMs);
        load().then(
          (v) => (clearTimeout(timer), resolve(v)),
          (e) => (clearTimeout(timer), reject(e)),
        );
      });
  }

  /** Drops every cached entry (a change was announced, or announcements may have been missed). */
  invalidate() {
    this.grants.clear();
    this.servers.clear();
    this.policies.clear();
    this.tools.clear();
    this.specs.clear();
  }

  /** Drops what is cached of one server (its settings just changed in this process). */
  forgetServer(serverId: string) {
    this.servers.delete(serverId);
    this.specs.delete(serverId);
  }

  async grantByToken(token: string): Promise<GrantRecord | null> {
    const hash = hashToken(token);
    return this.grants.get(hash, this.bounded("grant", () => this.loadGrant(hash)), NEGATIVE_TTL_MS);
  }

  private async loadGrant(tokenHash: string): Promise<GrantRecord | null> {
    const g = await this.db.grant.findUnique({ where: { tokenHash }, include: { org: { select: { auditArgumentValues: true } } } });
    if (!g || g.revokedAt) return null;
    return {
      id: g.id,
      orgId: g.orgId,
      serverId: g.serverId,
      label: g.label,
      metadata: (g.metadata ?? {}) as Record<string, unknown>,
      policyId: g.policyId,
      auditArgumentValues: g.org.auditArgumentValues,
    };
  }

  server(serverId: string): Promise<UpstreamConfig | null> {
    return this.servers.get(serverId, this.bounded("server", async () => {
      const s = await this.db.server.findUnique({ where: { id: serverId } });
      if (s && s.kind !== "url") {
        // Command and connector servers are served by the stdio host as Streamable HTTP.
        if (!this.localUpstream) return null;
        const local = this.localUpstream(s.id);
        return { serverId: s.id, orgId: s.orgId, url: local.url, transport: "streamable_http", headers: local.headers, policyId: s.policyId };
      }
      if (!s || !s.url) return null;
      const headers = s.headersSealed ? (JSON.parse(open(s.headersSealed, this.keys)) as Record<string, string>) : {};
      const transport = s.transport === "sse" || s.transport === "streamable_http" ? s.transport : "auto";
      return { serverId: s.id, orgId: s.orgId, url: s.url, transport, headers, policyId: s.policyId };
    }));
  }

  /** How to start a command or connector server's process (environment decrypted). */
  launchSpec(serverId: string): Promise<LaunchSpec | null> {
    return this.specs.get(serverId, this.bounded("launch spec", async () => {
      const s = await this.db.server.findUnique({ where: { id: serverId } });
      if (!s || s.kind === "url") return null;
      return {
        serverId: s.id,
        orgId: s.orgId,
        kind: s.kind,
        command: s.command,
        args: s.args,
        cwd: s.cwd,
        env: s.envSealed ? (JSON.parse(open(s.envSealed, this.keys)) as Record<string, string>) : {},
        mode: s.processMode,
        idleTimeoutMs: s.idleTimeoutSeconds * 1000,
        maxProcesses: s.maxProcesses,
      };
    }));
  }

  policy(policyId: string): Promise<PolicyHandle | null> {
    return this.policies.get(policyId, this.bounded("policy", async () => {
      const p = await this.db.policy.findUnique({ where: { id: policyId }, select: { currentVersion: true } });
      if (!p?.currentVersion) return null;
      const v = await this.db.policyVersion.findUnique({ where: { policyId_version: { policyId, version: p.currentVersion } } });
      if (!v) return null;
      const checked = validatePolicy(v.document);
      // Published documents are validated on the way in; failing here means the stored row was
      // altered by hand. Refuse to guess: the caller fails closed.
      if (!checked.ok) throw new Error(`stored policy ${policyId} v${v.version} is invalid: ${checked.errors[0]?.message}`);
      return { policyId, version: v.version, compiled: compilePolicy(checked.policy) };
    }));
  }

  async toolInfo(serverId: string, tool: string): Promise<ToolInfo | undefined> {
    return (await this.serverTools(serverId)).info.get(tool);
  }

  async inventory(serverId: string): Promise<ToolInventory> {
    return (await this.serverTools(serverId)).inventory;
  }

  async recordDrift(serverId: string, drift: ToolDrift): Promise<void> {
    await recordToolDrift(this.db, serverId, drift);
    // This process refuses the drifted tools from now on; other replicas hear of it by NOTIFY.
    this.tools.delete(serverId);
  }

  /** The server's tools as the gateway needs them: per-tool info for decisions, pinned hashes for the drift check. */
  private serverTools(serverId: string): Promise<ServerTools> {
    return this.tools.get(serverId, this.bounded("tools", async () => {
      const server = await this.db.server.findUnique({ where: { id: serverId }, select: { reviewChangedTools: true, lastSyncAt: true } });
      const rows = await this.db.tool.findMany({
        where: { serverId, removedAt: null },
        select: {
          name: true, title: true, description: true, inputSchema: true, outputSchema: true, annotations: true, riskCategory: true, riskLevel: true,
          reviewedAt: true, definitionHash: true, firstSeenAt: true, changedAt: true, previousDefinition: true,
        },
      });
      const review = server?.reviewChangedTools ?? true;
      const info = new Map<string, ToolInfo>();
      const pinned = new Map<string, PinnedTool>();
      for (const r of rows) {
        const inputSchema = (r.inputSchema ?? undefined) as Record<string, unknown> | undefined;
        const pendingReview = review && r.reviewedAt === null;
        info.set(r.name, {
          category: r.riskCategory as RiskCategory,
          level: r.riskLevel as RiskLevel,
          inputSchema,
          pendingReview,
          ...(pendingReview ? pendingDetails(r) : {}),
          // A multiplexed tool's argument choosing its operation, as the inventory detects it: the audit log names each call's operation.
          operationArgument: detectOperations({ name: r.name, inputSchema })?.argument,
        });
        pinned.set(r.name, { hash: r.definitionHash, pendingReview });
      }
      return { info, inventory: { review, baseline: server?.lastSyncAt != null, tools: pinned } };
    }));
  }
}

interface ServerTools {
  info: Map<string, ToolInfo>;
  inventory: ToolInventory;
}
