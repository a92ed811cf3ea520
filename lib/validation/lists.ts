import { z } from "zod";
import { pageQuery, type SortKey } from "../api/pagination";

// Query strings of the list endpoints: each list's sort key (what its cursors hold), page size
// and filters. A malformed value is a 400 naming the parameter, never silently ignored.

export const SERVER_ORDER = [["id", "string", "asc"]] as const satisfies SortKey;
export const TOOL_ORDER = [["name", "string", "asc"]] as const satisfies SortKey;
export const VERSION_ORDER = [["version", "int", "desc"]] as const satisfies SortKey;
export const NEWEST_FIRST = [
  ["createdAt", "date", "desc"],
  ["id", "string", "desc"],
] as const satisfies SortKey;
export const OLDEST_FIRST = [
  ["createdAt", "date", "asc"],
  ["id", "string", "asc"],
] as const satisfies SortKey;
export const AUDIT_ORDER = [
  ["time", "date", "desc"],
  ["id", "string", "desc"],
] as const satisfies SortKey;
/** `after`: the audit log read forwards, oldest first. */
export const AUDIT_FORWARD = [
  ["time", "date", "asc"],
  ["id", "string", "asc"],
] as const satisfies SortKey;

/** `true` or `false`, nothing else. */
export function booleanParam(name: string) {
  return z
    .enum(["true", "false"], { error: `${name} must be true or false` })
    .transform((v) => v === "true")
    .optional();
}

/** An id of the given type (`srv_…`), as a filter. */
export function idParam(prefix: string, what: string) {
  return z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,64}$`), `not ${what} id (${prefix}_…)`);
}

export const listServersQuery = pageQuery(SERVER_ORDER);
export const listToolsQuery = pageQuery(TOOL_ORDER, 1000).extend({ includeRemoved: booleanParam("includeRemoved") });
export const listVersionsQuery = pageQuery(VERSION_ORDER, 50);
export const listGrantsQuery = pageQuery(NEWEST_FIRST).extend({
  serverId: idParam("srv", "a server").optional(),
  active: booleanParam("active"),
});
export const listNewestFirstQuery = pageQuery(NEWEST_FIRST);
export const listOldestFirstQuery = pageQuery(OLDEST_FIRST);

