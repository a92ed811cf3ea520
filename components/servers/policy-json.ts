import { JsonSyntaxError, positionOf, scanJson, type JsonScan } from "@/gateway/policy/json-locate";
import { parsePointer, toPointer } from "@/gateway/policy/pointer";

// The policy as text in the editor: a stable, readable layout for stored documents (PostgreSQL
// keeps JSON objects in its own key order), and errors placed at their line and column.

export interface LocatedError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

const TOP = ["$schema", "version", "default", "description", "hide", "all_tools", "tools", "categories"];
const RULE = ["description", "action", "on_deny", "approval", "require", "deny_if", "args_schema", "validate_input", "max_per_session", "limits", "operation_argument", "operations"];
const LIMIT = ["counter", "window", "max", "scope", "increment_from"];
const CONDITION = ["path", "op", "value"];
const APPROVAL = ["timeout_seconds", "mode", "hold_seconds"];

function ordered(obj: Record<string, unknown>, order: string[], sortRest = false): Record<string, unknown> {
  const keys = Object.keys(obj);
  const known = order.filter((k) => k in obj);
  const rest = keys.filter((k) => !order.includes(k));
  if (sortRest) rest.sort();
  const out: Record<string, unknown> = {};
  for (const k of [...known, ...rest]) out[k] = obj[k];
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function orderRule(rule: unknown): unknown {
  if (!isObject(rule)) return rule;
  const r = ordered(rule, RULE);
  if (Array.isArray(r.limits)) r.limits = r.limits.map((l) => (isObject(l) ? ordered(l, LIMIT) : l));
  if (isObject(r.approval)) r.approval = ordered(r.approval, APPROVAL);
  for (const k of ["require", "deny_if"]) if (Array.isArray(r[k])) r[k] = (r[k] as unknown[]).map((c) => (isObject(c) ? ordered(c, CONDITION) : c));
  // A multiplexed tool's operations: by name, each rule laid out as a tool's.
  if (isObject(r.operations)) {
    const ops = ordered(r.operations, [], true);
    for (const name of Object.keys(ops)) ops[name] = orderRule(ops[name]);
    r.operations = ops;
  }
  return r;
}

/** Pretty JSON of a policy document with its fields in the order the docs use, tools by name. */
export function prettyPolicy(document: unknown): string {
  if (!isObject(document)) return JSON.stringify(document, null, 2) ?? "";
  const doc = ordered(document, TOP);
  for (const k of ["tools", "categories"]) {
    const map = doc[k];
    if (isObject(map)) {
      const sorted = ordered(map, [], true);
      for (const name of Object.keys(sorted)) sorted[name] = orderRule(sorted[name]);
      doc[k] = sorted;
    }
  }
  if (isObject(doc.all_tools)) doc.all_tools = orderRule(doc.all_tools);
  return JSON.stringify(doc, null, 2);
}

/** Parses the editor's text: the document, or JSON syntax errors and repeated keys with their position. */
export function parsePolicyText(text: string): { ok: true; document: unknown } | { ok: false; errors: LocatedError[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    let offset = text.length;
    let reason = err instanceof Error ? err.message.replace(/JSON/g, "json") : String(err);
    try {
      scanJson(text);
    } catch (scanErr) {
      if (scanErr instanceof JsonSyntaxError) {
        offset = scanErr.offset;
        reason = scanErr.message;
      }
    }
    const { line, column } = positionOf(text, offset);
    return { ok: false, errors: [{ path: "", message: `invalid json: ${reason}`, line, column }] };
  }
  const scan = scanOrEmpty(text);
  if (scan.duplicateKeys.length > 0) {
    return {
      ok: false,
      errors: scan.duplicateKeys.map(({ pointer, key }) => locate({ path: pointer, message: `duplicate key \`${key}\`, each key may appear once in an object` }, text, scan)),
    };
  }
  return { ok: true, document };
}

/** Adds line and column to validation errors from the API, against the text that was sent. */
export function locateErrors(text: string, errors: { path: string; message: string }[]): LocatedError[] {
  const scan = scanOrEmpty(text);
  return errors.map((e) => locate(e, text, scan)).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function scanOrEmpty(text: string): JsonScan {
  try {
    return scanJson(text);
  } catch {
    return { offsets: new Map(), duplicateKeys: [] };
  }
}

/** The position of the nearest existing field: a missing field is reported where its object starts. */
function locate(error: { path: string; message: string }, text: string, scan: JsonScan): LocatedError {
  const segments = parsePointer(error.path);
  for (let length = segments.length; length >= 0; length--) {
    const offset = scan.offsets.get(toPointer(segments.slice(0, length)));
    if (offset !== undefined) return { ...error, ...positionOf(text, offset) };
  }
  return error;
}
