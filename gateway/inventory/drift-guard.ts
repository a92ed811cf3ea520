import { compareWithInventory } from "./drift";
import type { ToolDefinition } from "./definition";
import { definitionHash } from "./definition";
import type { GatewayStore } from "../ports";

// Where the gateway applies the drift check: to every tools/list answer it passes on (which
// tools the agent may see), and before deciding a call of a tool the inventory does not know
// (the gateway lists the upstream's tools itself, once per server at a time, at most every few
// seconds). Drift is recorded in the inventory (store.recordDrift) before the answer goes on;
// until that is durable, this process remembers it, so a drifted tool is never called on the
// strength of its old, reviewed definition.

/** A call of an unknown tool lists the upstream at most this often per server (per process). */
export const LISTING_COOLDOWN_MS = 3_000;
/** Drift seen, at most this many tools per server remembered in memory. */
const MAX_REMEMBERED = 1_000;

interface DriftEntry {
  hash: string;
  since: string;
  /** Written to the inventory (otherwise the next listing writes it again). */
  recorded: boolean;
}

function remember(seen: Map<string, DriftEntry>, name: string, entry: DriftEntry) {
  if (!seen.has(name) && seen.size >= MAX_REMEMBERED) seen.delete(seen.keys().next().value!);
  seen.set(name, entry);
}

interface ServerDrift {
  /** Drifted tools this process saw (name → hash listed, when), recorded or not yet. */
  seen: Map<string, DriftEntry>;
  listing?: Promise<boolean>;
  listedAt: number;
  lastListing?: boolean;
}

export class DriftGuard {
  private readonly servers = new Map<string, ServerDrift>();

  constructor(
    private readonly store: GatewayStore,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {}

  private state(serverId: string): ServerDrift {
    let s = this.servers.get(serverId);
    if (!s) {
      if (this.servers.size >= MAX_REMEMBERED) this.servers.delete(this.servers.keys().next().value!);
      s = { seen: new Map(), listedAt: 0 };
      this.servers.set(serverId, s);
    }
    return s;
  }

  /**
   * The names of listed tools the agent must not see (drifted, or pending review, on a server
   * that asks for review); drift is recorded first. When the inventory cannot be read, every
   * tool is withheld: fail closed.
   */
  async withheld(serverId: string, tools: readonly ToolDefinition[], complete: boolean): Promise<Set<string>> {
    if (tools.length === 0) return new Set();
    let inventory;
    try {
      inventory = await this.store.inventory(serverId);
    } catch {
      return new Set(tools.map((t) => t.name));
    }
    const verdict = compareWithInventory(inventory, tools);
    const s = this.state(serverId);
    // A tool the inventory now pins as reviewed is no longer remembered as drifted.
    for (const t of tools) if (!verdict.withheld.has(t.name)) s.seen.delete(t.name);
    const fresh = verdict.drifted.filter((t) => {
      const known = s.seen.get(t.name);
      return !(known && known.recorded && known.hash === definitionHash(t));
    });
    if (fresh.length === 0) return verdict.withheld;
    const since = new Date().toISOString();
    const gated = inventory.review && inventory.baseline;
    const entries = fresh.map((t) => ({ name: t.name, entry: { hash: definitionHash(t), since: s.seen.get(t.name)?.since ?? since, recorded: false } }));
    if (gated) for (const { name, entry } of entries) remember(s.seen, name, entry);
    try {
      await this.store.recordDrift(serverId, { tools: fresh, complete });
      for (const { entry } of entries) entry.recorded = true;
    } catch (err) {
      // Still withheld and remembered: the next listing tries to record it again.
      this.log(`toolgate: could not record the tool drift of ${serverId}: ${(err as Error).message}`);
    }
    return verdict.withheld;
  }

  /**
   * Since when a tool is known drifted in this process while the inventory does not know it yet
   * (recording it failed): its inventory entry may still be the reviewed one. Once recorded, the
   * inventory is what says (a person may have reviewed it since).
   */
  driftedSince(serverId: string, tool: string): string | undefined {
    const entry = this.servers.get(serverId)?.seen.get(tool);
    return entry && !entry.recorded ? entry.since : undefined;
  }

  /**
   * Lists the upstream's tools (through `list`) to learn of a tool the inventory does not know;
   * one listing per server at a time, reused for LISTING_COOLDOWN_MS. True when it was listed.
   */
  refresh(serverId: string, list: () => Promise<{ tools: ToolDefinition[]; complete: boolean }>): Promise<boolean> {
    const s = this.state(serverId);
    if (s.listing) return s.listing;
    if (s.lastListing !== undefined && Date.now() - s.listedAt < LISTING_COOLDOWN_MS) return Promise.resolve(s.lastListing);
    s.listing = (async () => {
      try {
        const listing = await list();
        await this.withheld(serverId, listing.tools, listing.complete);
        return true;
      } catch {
        return false;
      }
    })().then((ok) => {
      s.listing = undefined;
      s.listedAt = Date.now();
      s.lastListing = ok;
      return ok;
    });
    return s.listing;
  }
}
