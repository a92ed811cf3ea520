import { z } from "zod";

// Every list of /api/v1 answers `{items, nextCursor}` and pages by keyset: the cursor holds the
// sort key of the last item of the page (base64url JSON, opaque to clients), and the next page
// starts strictly after it. Nothing is looked up to resume, so a cursor stays valid when its item
// is deleted, and a cursor made up by another organization reveals nothing about this one's rows.

export const MAX_PAGE_SIZE = 1000;

export type KeyKind = "string" | "int" | "date";
export type KeyValue = string | number | Date;
export type SortKey = readonly (readonly [field: string, kind: KeyKind, dir: "asc" | "desc"])[];

export function encodeCursor(values: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : v))), "utf8").toString("base64url");
}

/** The sort key a cursor holds, or null when it is not a cursor of a list sorted this way. */
export function decodeCursor(raw: string, key: SortKey): KeyValue[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== key.length) return null;
  const out: KeyValue[] = [];
  for (const [i, [, kind]] of key.entries()) {
    const v: unknown = parsed[i];
    if (kind === "int" && Number.isSafeInteger(v)) out.push(v as number);
    else if (kind === "string" && typeof v === "string" && v.length <= 1000) out.push(v);
    else if (kind === "date" && typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v))) out.push(new Date(v));
    else return null;
  }
  return out;
}

const CURSOR_MESSAGE = "cursor must be the nextCursor of a previous page of this list";

/** A `cursor` query parameter of a list sorted by `key`: decoded, or a 400 naming the field. */
export function cursorParam(key: SortKey) {
  return z
    .string()
    .max(2000, CURSOR_MESSAGE)
    .transform((raw, ctx) => {
      const values = decodeCursor(raw, key);
      if (values === null) {
        ctx.addIssue({ code: "custom", message: CURSOR_MESSAGE });
        return z.NEVER;
      }
      return values;
    });
}

/** `limit` (1–1000, `defaultLimit` when left out) and `cursor` of a list sorted by `key`. */
export function pageQuery(key: SortKey, defaultLimit = 100) {
  return z.object({
    limit: z.coerce
      .number({ error: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
      .int(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .min(1, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .max(MAX_PAGE_SIZE, `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .default(defaultLimit),
    cursor: cursorParam(key).optional(),
  });
}

/** The Prisma condition for "after this sort key" (strictly), in the list's own order. */
export function afterKey(key: SortKey, values: readonly KeyValue[]): Record<string, unknown> {
  const op = (dir: "asc" | "desc") => (dir === "asc" ? "gt" : "lt");
  // (a, b) after (x, y): a beyond x, or a = x and b beyond y; plus a bound on the first field
  // alone, so that PostgreSQL can range-scan its index.
  const alternatives: Record<string, unknown>[] = key.map(([field, , dir], i) => {
    const equal = Object.fromEntries(key.slice(0, i).map(([f], j) => [f, values[j]]));
    return { ...equal, [field]: { [op(dir)]: values[i] } };
  });
  if (alternatives.length === 1) return alternatives[0];
  const [first, , firstDir] = key[0];
  return { [first]: { [firstDir === "asc" ? "gte" : "lte"]: values[0] }, OR: alternatives };
}

/** Prisma's orderBy for the key. */
export function orderOf(key: SortKey): Record<string, "asc" | "desc">[] {
  return key.map(([field, , dir]) => ({ [field]: dir }));
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The Prisma arguments of one page: `where` (the list's filter, then after the cursor), order, one row more than the page. */
export function pageArgs<W extends object>(where: W, key: SortKey, q: { limit: number; cursor?: KeyValue[] }) {
  return { where: q.cursor ? ({ AND: [where, afterKey(key, q.cursor)] } as W) : where, orderBy: orderOf(key), take: q.limit + 1 };
}

/** A page from the `limit + 1` rows pageArgs read: the extra row only says that there is more. */
export function toPage<R>(rows: R[], limit: number, keyOf: (row: R) => KeyValue[]): Page<R> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
