/** Small helpers over JSON values, used by conditions and messages. */

/** Structural equality of JSON values (objects compare by own keys, arrays by position). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(b, key)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

export function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** The JSON type name of a value, as used in messages: `string`, `number`, `array`, `null`... */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** A value quoted for a one-line message: in backticks, strings without their JSON quotes, cut at 80 characters. */
export function quote(value: unknown): string {
  let text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  text = text.replace(/[\r\n]+/g, " ");
  if (text.length > 80) text = text.slice(0, 79) + "…";
  return "`" + text + "`";
}

export function quoteList(values: readonly unknown[]): string {
  return values.map(quote).join(", ");
}
