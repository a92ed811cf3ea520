/**
 * JSON pointers (RFC 6901) name places in a policy document: validation errors and decisions
 * both point at the exact field that caused them, e.g. `/tools/create_charge/deny_if/0`.
 */

/** Escapes one reference token: `~` becomes `~0` and `/` becomes `~1` (tool names may contain `/`). */
export function escapePointerToken(token: string | number): string {
  const text = String(token);
  if (!text.includes("~") && !text.includes("/")) return text;
  return text.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Builds a pointer from path segments; the empty path is the whole document, `""`. */
export function toPointer(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) out += "/" + escapePointerToken(segment);
  return out;
}

/** Appends segments to an existing pointer. */
export function childPointer(base: string, ...segments: (string | number)[]): string {
  return base + toPointer(segments);
}

/** Splits a pointer back into its unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}
