import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { open } from "../crypto/secret-box";
import { classifyTool } from "../../gateway/risk";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import { checkUpstreamUrl, UpstreamUrlError } from "./upstream-address";
import { discoverTools, DiscoveryError, type DiscoveredTool } from "./discover-tools";
import { canonicalJson, sha256 } from "../../gateway/canonical-json";

export interface SyncResult {
  transport: "streamable_http" | "sse";
  serverInfo: { name?: string; version?: string };
  total: number;
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Lists the server's tools and updates the inventory: new tools are added and rated, changed
 * definitions (their hash differs) keep the previous one for a diff and, when the server asks
 * for review, wait for it; tools gone from the list are marked removed. The first sync is the
 * baseline: its tools count as reviewed.
 */
export async function syncServerTools(db: Db, actor: Actor, orgId: string, serverId: string): Promise<SyncResult> {
  const server = await db.server.findFirst({ where: { id: serverId, orgId } });
  if (!server) throw new ApiError("not_found", "no server with this id");
  if (server.kind === "url" && !server.url) throw new ApiError("bad_request", "this server has no URL to sync from");
  let discovery;
  try {
    discovery = server.kind === "url" ? await discoverRemote(server) : await discoverLocal(server.id);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db.server.update({ where: { id: server.id }, data: { lastSyncError: message } });
    if (err instanceof DiscoveryError) throw new ApiError("upstream_error", message, { kind: err.kind });
    if (err instanceof UpstreamUrlError) throw new ApiError("validation_failed", message, { fields: { url: message } });
    throw err;
  }
  const result = await applyDiscovery(db, server, discovery.tools);
  await db.$transaction(async (tx) => {
    await tx.server.update({ where: { id: server.id }, data: { lastSyncAt: new Date(), lastSyncError: null } });
    await recordAdminChange(tx, actor, { orgId, action: "server.synced", targetType: "server", targetId: server.id, details: { ...result } });
  });
  return { transport: discovery.transport, serverInfo: discovery.serverInfo, total: discovery.tools.length, ...result };
}

async function discoverRemote(server: { url: string | null; headersSealed: string | null; transport: string }) {
  const headers = server.headersSealed ? (JSON.parse(open(server.headersSealed)) as Record<string, string>) : {};
  const url = await checkUpstreamUrl(server.url!);
  return discoverTools(url, headers, { transport: server.transport === "sse" || server.transport === "streamable_http" ? server.transport : "auto" });
}

/**
 * Command and connector servers are listed through the stdio host, as the gateway reaches them:
 * a session (so a process) is opened for the listing and ended after it. Errors come back as the
 * host's own messages (command not allowed, not found, connector offline, process exited).
 */
async function discoverLocal(serverId: string) {
  const { getGateway } = await import("../gateway/runtime");
  const up = (await getGateway()).stdio.upstream(serverId);
  try {
    return await discoverTools(new URL(up.url), up.headers, { transport: "streamable_http", timeoutMs: 60_000 });
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).replace(/^.*?MCP error -?\d+: /, "").replace(/^could not list the tools of [^:]+: /, "");
    throw new DiscoveryError(err instanceof DiscoveryError && err.kind === "timeout" ? "timeout" : "other", message);
  }
}

function definitionOf(t: DiscoveredTool) {
  return { name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema, outputSchema: t.outputSchema, annotations: t.annotations };
}

async function applyDiscovery(db: Db, server: { id: string; lastSyncAt: Date | null; reviewChangedTools: boolean }, tools: DiscoveredTool[]) {
  const now = new Date();
  // Rated and hashed before the transaction: it only holds its lock for the writes.
  const rated = tools.map((t) => {
    const risk = classifyTool({ name: t.name, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations });
    const data = {
      title: t.title ?? null,
      description: t.description ?? null,
      inputSchema: (t.inputSchema ?? null) as Prisma.InputJsonValue,
      outputSchema: (t.outputSchema ?? null) as Prisma.InputJsonValue,
      annotations: (t.annotations ?? null) as Prisma.InputJsonValue,
      definitionHash: sha256(canonicalJson(definitionOf(t))),
      riskCategory: risk.category,
      riskLevel: risk.level,
      riskReasons: risk.reasons as Prisma.InputJsonValue,
      lastSeenAt: now,
      removedAt: null,
    };
    return { name: t.name, data };
  });
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  await db.$transaction(
    async (tx) => {
      // One sync of a server at a time: two at once (a connector's sync on connect and a person's
      // click) would both insert the same new tools, and the second would fail on the unique name.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('toolgate:sync:' || ${server.id}))`;
      const fresh = await tx.server.findUnique({ where: { id: server.id }, select: { lastSyncAt: true, reviewChangedTools: true } });
      const baseline = (fresh?.lastSyncAt ?? server.lastSyncAt) === null || !(fresh?.reviewChangedTools ?? server.reviewChangedTools);
      const existing = new Map((await tx.tool.findMany({ where: { serverId: server.id } })).map((t) => [t.name, t]));
      // Worked out first, then new tools written in one statement and unchanged ones in another
      // (a server with 500 tools wrote 500 statements one by one and could overrun the time limit).
      const creates: Prisma.ToolCreateManyInput[] = [];
      const updates: { id: string; data: Prisma.ToolUpdateInput }[] = [];
      const unchanged: string[] = [];
      for (const { name, data } of rated) {
        const old = existing.get(name);
        if (!old) {
          added.push(name);
          creates.push({ ...data, serverId: server.id, name, reviewedAt: baseline ? now : null });
        } else if (old.definitionHash !== data.definitionHash) {
          changed.push(name);
          const previous = { name: old.name, title: old.title, description: old.description, inputSchema: old.inputSchema, outputSchema: old.outputSchema, annotations: old.annotations };
          updates.push({ id: old.id, data: { ...data, changedAt: now, previousDefinition: previous as Prisma.InputJsonValue, reviewedAt: baseline ? now : null } });
        } else {
          unchanged.push(old.id);
        }
      }
      const seen = new Set(rated.map((t) => t.name));
      const gone = [...existing.values()].filter((t) => !seen.has(t.name) && !t.removedAt);
      removed.push(...gone.map((t) => t.name));
      if (creates.length) await tx.tool.createMany({ data: creates });
      for (const u of updates) await tx.tool.update({ where: { id: u.id }, data: u.data });
      if (unchanged.length) await tx.tool.updateMany({ where: { id: { in: unchanged } }, data: { lastSeenAt: now, removedAt: null } });
      if (gone.length) await tx.tool.updateMany({ where: { id: { in: gone.map((t) => t.id) } }, data: { removedAt: now } });
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return { added, changed, removed };
}
