import { compileGlob, isGlobPattern } from "@/gateway/policy/glob";

export interface RatedTool {
  name: string;
  riskLevel: string;
  riskCategory: string;
}

export interface UnruledTool extends RatedTool {
  /** What happens to a call of it today. */
  fate: "no_policy" | "denied_by_default" | "allowed_by_default";
}

const SEVERITY: Record<string, number> = { critical: 0, high: 1 };

/**
 * The critical and high tools that no rule of the published policy names: no exact or pattern key
 * under `tools` and no rule for their category. Those fall to the policy's `default` (or, with no
 * policy published, are denied), so they are the ones worth writing a rule for. Most severe first.
 */
export function riskiestWithoutRule(tools: RatedTool[], document: unknown): UnruledTool[] {
  const risky = tools.filter((t) => t.riskLevel in SEVERITY);
  const doc = (document ?? null) as { default?: string; tools?: Record<string, unknown>; categories?: Record<string, unknown> } | null;
  const keys = Object.keys(doc?.tools ?? {});
  const exact = new Set(keys.filter((k) => !isGlobPattern(k)));
  const patterns = keys.filter(isGlobPattern).map(compileGlob);
  const categories = new Set(Object.keys(doc?.categories ?? {}));
  const fate: UnruledTool["fate"] = !doc ? "no_policy" : doc.default === "allow" ? "allowed_by_default" : "denied_by_default";
  return risky
    .filter((t) => !doc || !(exact.has(t.name) || patterns.some((p) => p.test(t.name)) || categories.has(t.riskCategory)))
    .map((t) => ({ ...t, fate }))
    .sort((a, b) => SEVERITY[a.riskLevel] - SEVERITY[b.riskLevel] || a.name.localeCompare(b.name));
}
