import { EventEmitter } from "node:events";

// In-process events about server inventories, so that whatever notifies people (the org's
// webhook) hears of drift without the gateway knowing it exists. On globalThis, like the
// approval events: the custom server and Next's bundled route handlers load modules separately.
export interface InventoryEventMap {
  /** Tools the gateway saw new or changed in a tools/list answer, now waiting for review. */
  drifted: [{ orgId: string; serverId: string; serverName: string; added: string[]; changed: string[] }];
}

const g = globalThis as unknown as { __toolgateInventoryEvents?: EventEmitter<InventoryEventMap> };

export function inventoryEvents(): EventEmitter<InventoryEventMap> {
  g.__toolgateInventoryEvents ??= new EventEmitter<InventoryEventMap>();
  return g.__toolgateInventoryEvents;
}
