import { compileRule, type CompiledRule, type OutcomePlan } from "./compile-rule";
import { denyDecision, NO_LIMITS, shared, type Decision } from "./decision";
import { compileGlob, isGlobPattern } from "./glob";
import { PatternIndex, type PatternEntry } from "./pattern-index";
import { childPointer } from "./pointer";
import { RISK_CATEGORIES, type PolicyDocument, type RiskCategory } from "./schema";

/**
 * A validated document compiled for evaluation: tool rules in an exact-name map and a pattern
 * index, category rules by name, conditions as closures, argument schemas as ajv validators,
 * hidden names as a set and a pattern index. Compile once per policy version; evaluation then
 * reads these structures and mostly returns decisions built here.
 */

export interface HideMatcher {
  /** Pointer of the `"*"` entry when everything is hidden. */
  readonly all: string | null;
  readonly exact: ReadonlyMap<string, string>;
  readonly patterns: PatternIndex<string>;
}

/** What a tool name resolves to, before looking at the call: hidden, a rule, or no rule. */
export interface Resolution {
  readonly hidden: Decision | null;
  readonly rule: CompiledRule | null;
}

export interface CompiledPolicy {
  readonly document: PolicyDocument;
  readonly defaultEffect: "allow" | "deny";
  readonly hide: HideMatcher;
  readonly exact: ReadonlyMap<string, CompiledRule>;
  readonly patterns: PatternIndex<CompiledRule>;
  readonly categories: ReadonlyMap<RiskCategory, CompiledRule>;
  readonly allTools: CompiledRule | null;
  /** Returned for any call no rule allows under `"default": "deny"`. */
  readonly defaultDeny: Decision;
  /** Allow decisions under `"default": "allow"` when no rule matched, by category. */
  readonly defaultOutcomes: Map<string, OutcomePlan>;
  /** Tool name → resolution; bounded, see RESOLUTION_CACHE_MAX. */
  readonly resolutions: Map<string, Resolution>;
  /** Hide entry pointer → its shared resolution. */
  readonly hiddenResolutions: Map<string, Resolution>;
}

/**
 * Names repeat (an agent calls the few tools its servers list), so resolutions are cached. The
 * bound keeps an agent sending random names from growing the cache without end: when full it
 * starts over. It is small on purpose: clearing (and growing) a large Map is a latency spike
 * for the call that triggers it, and a real tool list fits many times over.
 */
export const RESOLUTION_CACHE_MAX = 2_048;

/**
 * Only names up to this length are cached: MCP tool names are at most 128 characters, and an
 * agent sending megabyte-long names would otherwise pin up to RESOLUTION_CACHE_MAX of them
 * (a 256 MB heap ran out after 168 calls of distinct 1 MB names).
 */
export const RESOLUTION_CACHE_NAME_MAX = 256;

/** Compiles a document that passed validatePolicy; an unvalidated document may throw. */
export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  const exact = new Map<string, CompiledRule>();
  const patterns: PatternEntry<CompiledRule>[] = [];
  for (const [key, rule] of Object.entries(document.tools ?? {})) {
    const compiled = compileRule(rule, childPointer("/tools", key), { kind: "tool" });
    if (isGlobPattern(key)) patterns.push({ glob: compileGlob(key), value: compiled });
    else exact.set(key, compiled);
  }
  const categories = new Map<RiskCategory, CompiledRule>();
  for (const category of RISK_CATEGORIES) {
    const rule = document.categories?.[category];
    if (rule !== undefined) categories.set(category, compileRule(rule, `/categories/${category}`, { kind: "category", category }));
  }
  return {
    document,
    defaultEffect: document.default,
    hide: compileHide(document.hide),
    exact,
    patterns: new PatternIndex(patterns),
    categories,
    allTools: document.all_tools === undefined ? null : compileRule(document.all_tools, "/all_tools", { kind: "all_tools" }),
    defaultDeny: shared(denyDecision("/default", "no rule allows this tool, and the policy denies by default", null)),
    defaultOutcomes: new Map(),
    resolutions: new Map(),
    hiddenResolutions: new Map(),
  };
}

function compileHide(hide: PolicyDocument["hide"]): HideMatcher {
  const entries = hide === undefined ? [] : hide === "*" ? ["*"] : hide;
  let all: string | null = hide === "*" ? "/hide" : null;
  const exact = new Map<string, string>();
  const patterns: PatternEntry<string>[] = [];
  entries.forEach((entry, index) => {
    const pointer = hide === "*" ? "/hide" : `/hide/${index}`;
    if (entry === "*") all ??= pointer;
    else if (isGlobPattern(entry)) patterns.push({ glob: compileGlob(entry), value: pointer });
    else if (!exact.has(entry)) exact.set(entry, pointer);
  });
  return { all, exact, patterns: new PatternIndex(patterns) };
}

/** Hide first, then the exact rule, then the most specific pattern. */
export function resolveTool(policy: CompiledPolicy, name: string): Resolution {
  const cached = policy.resolutions.get(name);
  if (cached !== undefined) return cached;
  const hiddenBy = hiddenPointer(policy.hide, name);
  const resolution =
    hiddenBy !== null
      ? hiddenResolution(policy, hiddenBy)
      : (policy.exact.get(name) ?? policy.patterns.find(name))?.resolution ?? NO_RULE;
  if (name.length > RESOLUTION_CACHE_NAME_MAX) return resolution;
  if (policy.resolutions.size >= RESOLUTION_CACHE_MAX) policy.resolutions.clear();
  policy.resolutions.set(name, resolution);
  return resolution;
}

const NO_RULE: Resolution = Object.freeze({ hidden: null, rule: null });

/** One shared resolution per hide entry: the decision does not name the tool. */
function hiddenResolution(policy: CompiledPolicy, pointer: string): Resolution {
  let resolution = policy.hiddenResolutions.get(pointer);
  if (resolution === undefined) {
    resolution = Object.freeze({ hidden: shared(hideDecision(pointer)), rule: null });
    policy.hiddenResolutions.set(pointer, resolution);
  }
  return resolution;
}

export function hiddenPointer(hide: HideMatcher, name: string): string | null {
  return hide.all ?? hide.exact.get(name) ?? hide.patterns.find(name) ?? null;
}

function hideDecision(pointer: string): Decision {
  const reason = "this tool is hidden by the policy";
  return { effect: "hide", rule: pointer, message: reason, reason, limits: NO_LIMITS };
}
