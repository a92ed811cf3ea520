import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { open } from "../crypto/secret-box";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import { checkUpstreamUrl, UpstreamUrlError } from "./upstream-address";
import { discoverTools, DiscoveryError } from "./discover-tools";
import { applyDiscovery } from "./apply-discovery";

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
  const result = await applyDiscovery(db, server, discovery.tools, { markRemoved: true });
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
