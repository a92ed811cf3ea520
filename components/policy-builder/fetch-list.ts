import { apiFetch } from "@/lib/client/api";

/**
 * Every item of a list endpoint. Lists answer `{items, nextCursor}` (paged by `limit` and
 * `cursor`); older ones answered `{<name>: [...]}` unpaged, and both are read here.
 */
export async function fetchWholeList<T>(path: string, legacyKey: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const sep = path.includes("?") ? "&" : "?";
    const url: string = `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const data = await apiFetch<Record<string, unknown>>(url);
    const batch = (data.items ?? data[legacyKey] ?? []) as T[];
    items.push(...batch);
    cursor = typeof data.nextCursor === "string" && data.nextCursor ? data.nextCursor : null;
    if (!cursor || !("items" in data)) break;
  }
  return items;
}
