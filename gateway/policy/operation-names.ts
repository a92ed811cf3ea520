import { closestName, type PolicyError } from "./errors";
import { checkToolKey, compileGlob, isGlobPattern } from "./glob";
import { childPointer } from "./pointer";
import { OPERATION_ARGUMENT_DEFAULT } from "./schema";

/**
 * Operation names checked against what the server's tools declare. A policy validated for a
 * server (publish, simulate, replay) knows the tools' input schemas from the inventory: an
 * operation its rule names that the tool's operation argument does not list in its enum is a
 * typo or a stale name, reported where it stands. Without a schema, or an argument without an
 * enum, nothing is checked: the tool may take any name.
 */

/** What validation may know of the tools the policy will govern, by name (the inventory's). */
export type KnownTools = ReadonlyMap<string, { readonly inputSchema?: Readonly<Record<string, unknown>> }>;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

/** The string values a schema property declares: its `enum`, or the `const` of each `oneOf`/`anyOf` branch. */
export function declaredValues(property: unknown): string[] {
  if (!isObject(property)) return [];
  const strings = (values: unknown[]) => [...new Set(values.filter((v): v is string => typeof v === "string" && v.length > 0))];
  if (Array.isArray(property.enum)) return strings(property.enum);
  const branches = Array.isArray(property.oneOf) ? property.oneOf : Array.isArray(property.anyOf) ? property.anyOf : [];
  return strings(branches.map((branch) => (isObject(branch) ? branch.const : undefined)));
}

/** The operations a tool declares for `argument`, or null when its schema lists none. */
export function declaredOperations(inputSchema: Readonly<Record<string, unknown>> | undefined, argument: string): string[] | null {
  const properties = inputSchema?.properties;
  if (!isObject(properties) || !Object.hasOwn(properties, argument)) return null;
  const values = declaredValues(properties[argument]);
  return values.length > 0 ? values : null;
}

/** The operations every tool this key names declares (a pattern: the union over the tools it matches), or null if any is unknown. */
function operationsOf(key: string, argument: string, tools: KnownTools): string[] | null {
  if (!isGlobPattern(key)) {
    const tool = tools.get(key);
    return tool === undefined ? null : declaredOperations(tool.inputSchema, argument);
  }
  const glob = compileGlob(key);
  const union = new Set<string>();
  let matched = 0;
  for (const [name, tool] of tools) {
    if (!glob.test(name)) continue;
    const declared = declaredOperations(tool.inputSchema, argument);
    if (declared === null) return null;
    matched++;
    for (const op of declared) union.add(op);
  }
  return matched > 0 ? [...union] : null;
}

const LISTED_MAX = 30;

function listOf(operations: readonly string[]): string {
  const shown = operations.slice(0, LISTED_MAX).map((op) => `\`${op}\``).join(", ");
  return operations.length > LISTED_MAX ? `${shown} and ${operations.length - LISTED_MAX} more` : shown;
}

/** Every `operations` key of the document's tool rules that names no operation its tool declares. */
export function operationNameErrors(document: Json, tools: KnownTools): PolicyError[] {
  const out: PolicyError[] = [];
  if (!isObject(document.tools)) return out;
  for (const [key, rule] of Object.entries(document.tools)) {
    if (!isObject(rule) || !isObject(rule.operations) || checkToolKey(key) !== null) continue;
    const argument = typeof rule.operation_argument === "string" ? rule.operation_argument : OPERATION_ARGUMENT_DEFAULT;
    const declared = operationsOf(key, argument, tools);
    if (declared === null) continue;
    const known = new Set(declared);
    const valid = `\`${argument}\` is one of ${listOf(declared)}`;
    for (const op of Object.keys(rule.operations)) {
      if (checkToolKey(op) !== null) continue; // reported by the semantic checks
      const path = childPointer("/tools", key, "operations", op);
      if (isGlobPattern(op)) {
        const glob = compileGlob(op);
        if (!declared.some((name) => glob.test(name))) out.push({ path, message: `pattern \`${op}\` matches no operation of \`${key}\`: ${valid}` });
      } else if (!known.has(op)) {
        const suggestion = closestName(op, declared);
        out.push({ path, message: `unknown operation \`${op}\` of \`${key}\`${suggestion === null ? ":" : `, did you mean \`${suggestion}\`?`} ${valid}` });
      }
    }
  }
  return out;
}
