import { canonicalJson, sha256 } from "../canonical-json";

// A tool's definition as the inventory pins it: the fields an agent (and a policy) relies on.
// The sync (lib/servers/sync-tools.ts) and the gateway's drift check of every tools/list answer
// hash it the same way, so a definition the upstream changes is seen wherever it passes.

export interface ToolDefinition {
  name: string;
  title?: unknown;
  description?: unknown;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

/** The pinned fields of a listed tool (anything else it carries, e.g. `_meta` or `icons`, is not compared). */
export function pinnedDefinition(t: ToolDefinition): ToolDefinition {
  const v = nullToUndefined;
  return { name: t.name, title: v(t.title), description: v(t.description), inputSchema: v(t.inputSchema), outputSchema: v(t.outputSchema), annotations: v(t.annotations) };
}

/** SHA-256 of the canonical JSON of the pinned fields (a null field counts as absent). */
export function definitionHash(t: ToolDefinition): string {
  return sha256(canonicalJson(pinnedDefinition(t)));
}

/** Which pinned fields differ between two definitions, for the reviewer and the agent. */
export function changedFields(before: ToolDefinition, after: ToolDefinition): string[] {
  const fields = ["title", "description", "inputSchema", "outputSchema", "annotations"] as const;
  return fields.filter((f) => canonicalJson(nullToUndefined(before[f])) !== canonicalJson(nullToUndefined(after[f])));
}

const nullToUndefined = (v: unknown) => (v === null ? undefined : v);

/** The listed entries that are tools at all (objects with a non-empty string name). */
export function namedTools(list: unknown): ToolDefinition[] {
  if (!Array.isArray(list)) return [];
  return list.filter((t): t is ToolDefinition => typeof t === "object" && t !== null && typeof (t as { name?: unknown }).name === "string" && (t as { name: string }).name !== "");
}
