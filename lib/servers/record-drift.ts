import type { Db } from "../db/client";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import type { ToolDrift } from "../../gateway/inventory/drift";
import { definitionHash, type ToolDefinition } from "../../gateway/inventory/definition";
import { applyDiscovery, type ListedTool } from "./apply-discovery";
import { inventoryEvents } from "./inventory-events";

// Drift the gateway saw in a tools/list answer (gateway/inventory/drift.ts), written into the
// inventory as a sync would write it: new and changed tools wait for review where the server
// asks for it, the admin log says what changed and who saw it, and the org's webhook is told.

const GATEWAY: Actor = { type: "system", id: null, label: "gateway (tool list drift check)" };

export async function recordToolDrift(db: Db, serverId: string, drift: ToolDrift): Promise<void> {
  const server = await db.server.findUnique({ where: { id: serverId }, select: { id: true, orgId: true, name: true, lastSyncAt: true, reviewChangedTools: true } });
  if (!server) return;
  const tools = drift.tools.map(asDiscovered).filter((t): t is ListedTool => t !== null);
  if (tools.length === 0) return;
  const { added, changed } = await applyDiscovery(db, server, tools, { markRemoved: false });
  if (added.length === 0 && changed.length === 0) return;
  // The baseline is a sync (registering a server makes one): before it, what passes is taken as
  // it is, as a first sync would take it; after it, what is new or changed waits for review.
  const pendingReview = server.reviewChangedTools && server.lastSyncAt !== null;
  await db.$transaction((tx) =>
    recordAdminChange(tx, GATEWAY, {
      orgId: server.orgId,
      action: "server.tools_drifted",
      targetType: "server",
      targetId: server.id,
      details: { added, changed, pendingReview },
    }),
  );
  if (pendingReview && (added.length || changed.length)) {
    inventoryEvents().emit("drifted", { orgId: server.orgId, serverId: server.id, serverName: server.name, added, changed });
  }
}

/** A listed tool as the inventory stores it; null for one it cannot (no usable name). */
function asDiscovered(t: unknown): ListedTool | null {
  if (typeof t !== "object" || t === null) return null;
  const r = t as Record<string, unknown>;
  if (typeof r.name !== "string" || r.name === "" || r.name.length > 256) return null;
  const obj = (v: unknown) => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  // Pinned by the hash of what was listed, as the gateway compares it, whatever the columns can keep.
  return { name: r.name, title: str(r.title), description: str(r.description), inputSchema: obj(r.inputSchema), outputSchema: obj(r.outputSchema), annotations: obj(r.annotations), hash: definitionHash(r as unknown as ToolDefinition) };
}
