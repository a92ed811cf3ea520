import { definitionHash, type ToolDefinition } from "./definition";

// Rug-pull protection: every tools/list answer that passes through the gateway is compared with
// the server's pinned inventory (definition hashes). A tool that is new, or whose definition is
// not the one reviewed, is drift. On a server that asks for review (the default) a drifted tool
// is left out of the list the agent gets and refused when called until a person reviews it; on
// one that does not, it is recorded and passes. Nothing needs a manual sync for this.

export interface PinnedTool {
  hash: string;
  /** New or changed since someone reviewed it (the server asks for review). */
  pendingReview: boolean;
}

/** What the inventory pins of one server's tools. */
export interface ToolInventory {
  /** The server asks for new and changed tools to be reviewed before they can be called. */
  review: boolean;
  /** The inventory has a baseline (a first sync); before it, what is listed is taken as it is (as reviewed). */
  baseline: boolean;
  tools: ReadonlyMap<string, PinnedTool>;
}

/** New and changed tools, as listed by the upstream, for the inventory to record. */
export interface ToolDrift {
  tools: ToolDefinition[];
  /** The listing was complete (every page). */
  complete: boolean;
}

export interface DriftVerdict {
  /** Listed tools that are new or changed against the inventory (to record). */
  drifted: ToolDefinition[];
  /** Names the agent must not see: drifted or still pending review, on a server that asks for review. */
  withheld: Set<string>;
}

/** Compares listed tools with the inventory. Tools that are not objects with a string name are left to the caller. */
export function compareWithInventory(inventory: ToolInventory, listed: readonly ToolDefinition[]): DriftVerdict {
  const drifted: ToolDefinition[] = [];
  const withheld = new Set<string>();
  const gate = inventory.review && inventory.baseline;
  for (const tool of listed) {
    const pinned = inventory.tools.get(tool.name);
    if (pinned !== undefined && pinned.hash === definitionHash(tool)) {
      if (pinned.pendingReview) withheld.add(tool.name);
      continue;
    }
    drifted.push(tool);
    if (gate) withheld.add(tool.name);
  }
  return { drifted, withheld };
}
