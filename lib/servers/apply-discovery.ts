import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { classifyTool } from "../../gateway/risk";
import { definitionHash } from "../../gateway/inventory/definition";
import type { DiscoveredTool } from "./discover-tools";

// One way of writing what an upstream lists into the inventory, for the sync (a person's click,
// a connector's connect) and for the drift the gateway sees in tools/list answers.

/** A listed tool; `hash` when the caller pinned it by the hash of what was listed itself. */
export type ListedTool = DiscoveredTool & { hash?: string };

export interface DiscoveryChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Writes a listing of the server's tools into its inventory: new tools are added and rated,
 * changed definitions (their hash differs) keep the previous one for a diff and, when the server
 * asks for review, wait for it. With `markRemoved` (a complete listing by a sync), tools gone
 * from the list are marked removed. Before the first complete listing (no baseline yet) or on a
 * server that does not ask for review, what is listed counts as reviewed.
 */
export async function applyDiscovery(db: Db, server: { id: string; lastSyncAt: Date | null; reviewChangedTools: boolean }, tools: ListedTool[], opts: { markRemoved: boolean }): Promise<DiscoveryChanges> {
  const now = new Date();
  // Rated and hashed before the transaction: it only holds its lock for the writes.
  // A name listed twice (a broken or hostile upstream) is written once: its first definition.
  const unique = [...new Map(tools.map((t) => [t.name, t] as const).reverse()).values()];
  const rated = unique.map((t) => {
    const risk = classifyTool({ name: t.name, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations });
    const data = {
      title: t.title ?? null,
      description: t.description ?? null,
      inputSchema: (t.inputSchema ?? null) as Prisma.InputJsonValue,
      outputSchema: (t.outputSchema ?? null) as Prisma.InputJsonValue,
      annotations: (t.annotations ?? null) as Prisma.InputJsonValue,
      definitionHash: t.hash ?? definitionHash(t),
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
          // A tool that changes again before anyone reviewed it keeps the last reviewed definition for the diff.
          const reviewedBefore = old.reviewedAt === null && old.previousDefinition !== null ? old.previousDefinition : previous;
          updates.push({ id: old.id, data: { ...data, changedAt: now, previousDefinition: reviewedBefore as Prisma.InputJsonValue, reviewedAt: baseline ? now : null } });
        } else {
          unchanged.push(old.id);
        }
      }
      const seen = new Set(rated.map((t) => t.name));
      const gone = opts.markRemoved ? [...existing.values()].filter((t) => !seen.has(t.name) && !t.removedAt) : [];
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
