import { compareSpecificity, compileGlob, isGlobPattern, type Glob } from "@/gateway/policy/glob";
import { escapePointerToken, parsePointer } from "@/gateway/policy/pointer";
import type { CategoryRule, Limit, PolicyDocument, RiskCategory, RiskLevel, ToolRule } from "@/gateway/policy/schema";
import type { OperationsInfo } from "./operations";

/**
 * The policy builder's model: a validated policy document split into what the lanes draw (one
 * rule per exact tool name, exact names in `hide`) and what they cannot (pattern rules, hide
 * patterns, category rules, `all_tools`), which is kept verbatim and shown as "custom" cards.
 *
 * `fromDocument` and `toDocument` are inverses for every valid document: the same fields, in the
 * same order, so editing the JSON, looking at the lanes and looking at the JSON again never
 * reorders or drops anything. Moving a tool between lanes changes only that tool's rule (and its
 * `hide` entry); everything else stays as it was.
 */

export const LANES = ["allow", "rate_limit", "require_approval", "deny", "hide"] as const;
export type Lane = (typeof LANES)[number];

export const LANE_TITLES: Record<Lane, string> = {
  allow: "Allow",
  rate_limit: "Rate limit",
  require_approval: "Require approval",
  deny: "Deny",
  hide: "Hide",
};

export interface RuleEntry {
  /** The key under `tools`: an exact tool name or a pattern. */
  key: string;
  rule: ToolRule;
}

export type HideForm = "absent" | "star" | "list";

export interface BuilderModel {
  /** Top-level keys in the order the document had them. */
  order: string[];
  /** Every top-level field except `tools` and `hide`, verbatim. */
  head: Omit<PolicyDocument, "tools" | "hide">;
  /** Whether the document had a `tools` object (an empty one is kept). */
  hasTools: boolean;
  rules: RuleEntry[];
  hideForm: HideForm;
  /** The `hide` entries in order (empty for "absent"; `["*"]` for the string form). */
  hide: string[];
}

export interface InventoryEntry {
  name: string;
  risk?: { category: RiskCategory; level: RiskLevel };
  /** A multiplexed tool's operations, each rated. */
  operations?: OperationsInfo;
}

/** Where a card's lane comes from: its own rule, a hide entry, a pattern, a category rule or the default. */
export type CardSource = "rule" | "hide" | "pattern" | "category" | "default";

export interface ToolCard {
  name: string;
  lane: Lane;
  source: CardSource;
  /** The pattern, category or hide pattern that places an unlisted tool. */
  via?: string;
  /** The tool's own rule under `tools`, if it has one. */
  rule?: ToolRule;
  risk?: { category: RiskCategory; level: RiskLevel };
  /** Listed in the policy but not in the server's inventory (removed, or never synced). */
  orphan: boolean;
  /** A multiplexed tool's operations, from the inventory. */
  operations?: OperationsInfo;
}

export type CustomKind = "pattern" | "hide_pattern" | "category" | "all_tools";

export interface CustomCard {
  kind: CustomKind;
  /** JSON pointer of the rule or entry in the document. */
  pointer: string;
  title: string;
  /** For rules that place tools: the lane they put them in. */
  lane?: Lane;
  value: unknown;
}

export interface LaneView {
  cards: Map<string, ToolCard>;
  byLane: Record<Lane, ToolCard[]>;
  custom: CustomCard[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function fromDocument(doc: PolicyDocument): BuilderModel {
  const order = Object.keys(doc);
  const head: Record<string, unknown> = {};
  for (const key of order) if (key !== "tools" && key !== "hide") head[key] = (doc as Record<string, unknown>)[key];
  const rules = Object.entries(doc.tools ?? {}).map(([key, rule]) => ({ key, rule }));
  const hideForm: HideForm = doc.hide === undefined ? "absent" : doc.hide === "*" ? "star" : "list";
  const hide = doc.hide === undefined ? [] : doc.hide === "*" ? ["*"] : [...doc.hide];
  return { order, head: head as BuilderModel["head"], hasTools: doc.tools !== undefined, rules, hideForm, hide };
}

export function toDocument(model: BuilderModel): PolicyDocument {
  const order = [...model.order];
  const hasTools = model.hasTools || model.rules.length > 0;
  const hideForm: HideForm = model.hideForm === "absent" && model.hide.length > 0 ? "list" : model.hideForm;
  // A field the document did not have goes where the docs put it: hide, then tools, before categories.
  if (hideForm !== "absent" && !order.includes("hide")) insertBefore(order, "hide", ["all_tools", "tools", "categories"]);
  if (hasTools && !order.includes("tools")) insertBefore(order, "tools", ["categories"]);
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (key === "tools") {
      if (hasTools) out.tools = Object.fromEntries(model.rules.map((e) => [e.key, e.rule]));
    } else if (key === "hide") {
      if (hideForm === "star") out.hide = "*";
      else if (hideForm === "list") out.hide = [...model.hide];
    } else if (key in model.head) {
      out[key] = (model.head as Record<string, unknown>)[key];
    }
  }
  return out as PolicyDocument;
}

function insertBefore(order: string[], key: string, before: string[]) {
  const at = order.findIndex((k) => before.includes(k));
  if (at < 0) order.push(key);
  else order.splice(at, 0, key);
}

/** Which lane a tool rule puts its tool in, ignoring hide. */
export function laneOfRule(rule: ToolRule | { action?: string; limits?: unknown[] }): Exclude<Lane, "hide"> {
  if (rule.action === "deny") return "deny";
  if (rule.action === "require_approval") return "require_approval";
  if (Array.isArray(rule.limits) && rule.limits.length > 0) return "rate_limit";
  return "allow";
}

/** Pattern matchers, most specific first (the order the engine applies them). */
function compiledPatterns(keys: string[]): Glob[] {
  return keys.map(compileGlob).sort(compareSpecificity);
}

/** The lanes as drawn: a card per tool of the inventory or of the policy, and the custom cards. */
export function laneView(model: BuilderModel, inventory: InventoryEntry[]): LaneView {
  const ruleByName = new Map<string, ToolRule>();
  const patternRules = new Map<string, ToolRule>();
  for (const e of model.rules) (isGlobPattern(e.key) ? patternRules : ruleByName).set(e.key, e.rule);
  const hiddenExact = new Set(model.hide.filter((h) => !isGlobPattern(h)));
  const hidePatterns = compiledPatterns(model.hide.filter(isGlobPattern));
  const rulePatterns = compiledPatterns([...patternRules.keys()]);
  const categories = (model.head.categories ?? {}) as Record<string, { action?: string } | undefined>;
  const fallback: Lane = model.head.default === "allow" ? "allow" : "deny";

  const risks = new Map(inventory.map((t) => [t.name, t.risk]));
  const operations = new Map(inventory.flatMap((t) => (t.operations ? [[t.name, t.operations] as const] : [])));
  const names = [...inventory.map((t) => t.name)];
  for (const name of [...ruleByName.keys(), ...hiddenExact]) if (!risks.has(name)) names.push(name);
  const seen = new Set<string>();

  const cards = new Map<string, ToolCard>();
  const byLane = Object.fromEntries(LANES.map((l) => [l, [] as ToolCard[]])) as Record<Lane, ToolCard[]>;
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const risk = risks.get(name);
    const rule = ruleByName.get(name);
    const card: ToolCard = { name, lane: fallback, source: "default", rule, risk, orphan: !risks.has(name) };
    const ops = operations.get(name);
    if (ops) card.operations = ops;
    const hidingPattern = hiddenExact.has(name) ? undefined : hidePatterns.find((g) => g.test(name));
    if (hiddenExact.has(name)) Object.assign(card, { lane: "hide", source: "hide" });
    else if (hidingPattern) Object.assign(card, { lane: "hide", source: "pattern", via: hidingPattern.pattern });
    else if (rule) Object.assign(card, { lane: laneOfRule(rule), source: "rule" });
    else {
      const pattern = rulePatterns.find((g) => g.test(name));
      const category = risk ? categories[risk.category] : undefined;
      if (pattern) Object.assign(card, { lane: laneOfRule(patternRules.get(pattern.pattern)!), source: "pattern", via: pattern.pattern });
      else if (risk && category?.action) Object.assign(card, { lane: laneOfRule(category), source: "category", via: risk.category });
    }
    cards.set(name, card);
    byLane[card.lane].push(card);
  }
  return { cards, byLane, custom: customCards(model) };
}

function customCards(model: BuilderModel): CustomCard[] {
  const out: CustomCard[] = [];
  for (const e of model.rules) {
    if (isGlobPattern(e.key)) out.push({ kind: "pattern", pointer: `/tools/${escapePointerToken(e.key)}`, title: e.key, lane: laneOfRule(e.rule), value: e.rule });
  }
  model.hide.forEach((h, i) => {
    if (isGlobPattern(h)) out.push({ kind: "hide_pattern", pointer: model.hideForm === "star" ? "/hide" : `/hide/${i}`, title: h, lane: "hide", value: h });
  });
  for (const [category, rule] of Object.entries(model.head.categories ?? {})) {
    if (rule) out.push({ kind: "category", pointer: `/categories/${category}`, title: `${category} tools`, lane: rule.action ? laneOfRule(rule) : undefined, value: rule });
  }
  if (model.head.all_tools) out.push({ kind: "all_tools", pointer: "/all_tools", title: "All tools", value: model.head.all_tools });
  return out;
}

/**
 * The limit a tool gets when it is dropped into Rate limit: 10 calls a minute per grant, on a
 * counter of its own (limits sharing a counter must agree, so a name in use gets a suffix).
 */
export function defaultLimit(tool: string, taken: ReadonlySet<string> = new Set()): Limit {
  const base = `${tool.slice(0, 120)}_rate`;
  let counter = base;
  for (let n = 2; taken.has(counter); n++) counter = `${base}_${n}`;
  return { counter, window: "minute", max: 10, scope: "grant" };
}

/** Every counter name the model's limits use. */
export function counterNames(model: BuilderModel): Set<string> {
  const names = new Set<string>();
  const add = (rule: { limits?: Limit[] } | undefined) => rule?.limits?.forEach((l) => names.add(l.counter));
  model.rules.forEach((e) => add(e.rule));
  add(model.head.all_tools);
  Object.values(model.head.categories ?? {}).forEach(add);
  return names;
}

export const DEFAULT_APPROVAL = { timeout_seconds: 3600, mode: "retry" } as const;

/** The rule a tool gets in another lane: only what the lane decides changes; conditions stay. */
export function ruleForLane(rule: ToolRule | undefined, lane: Exclude<Lane, "hide">, tool: string, taken?: ReadonlySet<string>): ToolRule {
  const r: ToolRule = { ...(rule ?? {}) };
  if (lane === "allow" || lane === "rate_limit") {
    delete r.action;
    delete r.approval;
  }
  if (lane === "allow") delete r.limits;
  if (lane === "rate_limit" && !(r.limits && r.limits.length > 0)) r.limits = [defaultLimit(tool, taken)];
  if (lane === "require_approval") {
    r.action = "require_approval";
    r.approval = r.approval ?? { ...DEFAULT_APPROVAL };
  }
  if (lane === "deny") {
    r.action = "deny";
    delete r.approval;
  }
  return r;
}

/** Sets (or with null removes) the exact rule of one tool, keeping its place among the rules. */
export function setRule(model: BuilderModel, tool: string, rule: ToolRule | null): BuilderModel {
  const at = model.rules.findIndex((e) => e.key === tool);
  const rules = [...model.rules];
  if (rule === null) {
    if (at >= 0) rules.splice(at, 1);
  } else if (at >= 0) rules[at] = { key: tool, rule };
  else rules.push({ key: tool, rule });
  return { ...model, rules };
}

function setHidden(model: BuilderModel, tool: string, hidden: boolean): BuilderModel {
  if (model.hideForm === "star") return model;
  const has = model.hide.includes(tool);
  if (hidden === has) return model;
  const hide = hidden ? [...model.hide, tool] : model.hide.filter((h) => h !== tool);
  const hideForm: HideForm = hide.length === 0 && model.order.indexOf("hide") < 0 ? "absent" : "list";
  return { ...model, hide, hideForm };
}

/**
 * Moves tools to a lane. A tool already drawn in that lane by its own rule is left as it is;
 * leaving Hide removes the tool's `hide` entry. A tool hidden by a pattern stays hidden.
 */
export function moveTools(model: BuilderModel, tools: string[], lane: Lane, view?: LaneView): BuilderModel {
  const current = view ?? laneView(model, []);
  let next = model;
  for (const tool of tools) {
    const card = current.cards.get(tool);
    if (card && card.lane === lane && (card.source === "rule" || card.source === "hide")) continue;
    if (lane === "hide") {
      next = setHidden(next, tool, true);
      continue;
    }
    next = setHidden(next, tool, false);
    const rule = next.rules.find((e) => e.key === tool)?.rule;
    next = setRule(next, tool, rule && laneOfRule(rule) === lane ? rule : ruleForLane(rule, lane, tool, counterNames(next)));
  }
  return next;
}

/** Removes a tool's own rule and hide entry, so that patterns, categories or the default place it. */
export function resetTool(model: BuilderModel, tool: string): BuilderModel {
  return setRule(setHidden(model, tool, false), tool, null);
}

/**
 * Sets (or with null removes) the rule of a risk category, keeping its place among the categories;
 * a document without `categories` gets them at the end, where the docs put them, and loses them
 * with its last category rule.
 */
export function setCategoryRule(model: BuilderModel, category: RiskCategory, rule: CategoryRule | null): BuilderModel {
  const categories: Record<string, CategoryRule | undefined> = { ...(model.head.categories ?? {}) };
  if (rule === null) delete categories[category];
  else categories[category] = rule;
  const head = { ...model.head, categories } as BuilderModel["head"];
  if (Object.keys(categories).length === 0) {
    // The last category rule gone: an empty `categories` says nothing, so it goes too.
    delete (head as { categories?: unknown }).categories;
    return { ...model, head, order: model.order.filter((k) => k !== "categories") };
  }
  return { ...model, head, order: model.order.includes("categories") ? model.order : [...model.order, "categories"] };
}

/** The rule a category gets in a lane: as for a tool, but Allow and Rate limit say `allow`, or the category would place no tool. */
export function categoryRuleForLane(rule: CategoryRule | undefined, lane: Exclude<Lane, "hide">, category: RiskCategory, taken?: ReadonlySet<string>): CategoryRule {
  const next = ruleForLane(rule, lane, `${category.toLowerCase()}_tools`, taken) as CategoryRule;
  return lane === "allow" || lane === "rate_limit" ? { action: "allow", ...next } : next;
}

export function setDefault(model: BuilderModel, value: "allow" | "deny"): BuilderModel {
  return { ...model, head: { ...model.head, default: value } };
}

/** Replaces (or with undefined removes) the value at a pointer of the document, for custom cards edited as JSON. */
export function replaceAt(doc: PolicyDocument, pointer: string, value: unknown): PolicyDocument {
  const segments = parsePointer(pointer);
  if (segments.length === 0) return value as PolicyDocument;
  const root = structuredClone(doc) as unknown as Record<string, unknown>;
  let parent: unknown = root;
  for (const s of segments.slice(0, -1)) parent = (parent as Record<string, unknown>)[s];
  const last = segments[segments.length - 1];
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(Number(last), 1);
    else parent[Number(last)] = value;
  } else if (isObject(parent)) {
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return root as unknown as PolicyDocument;
}

export type PointerTarget = { kind: "card"; tool: string; operation?: string } | { kind: "custom"; pointer: string } | { kind: "default" } | null;

/** What a decision's rule pointer (`/tools/echo/limits/0`, `/hide/2`, `/default`) points at in the builder. */
export function targetOfPointer(model: Pick<BuilderModel, "hideForm" | "hide">, pointer: string | null): PointerTarget {
  if (!pointer) return null;
  const [top, key, sub, operation] = parsePointer(pointer);
  if (top === "default") return { kind: "default" };
  if (top === "tools" && key !== undefined) {
    if (isGlobPattern(key)) return { kind: "custom", pointer: `/tools/${escapePointerToken(key)}` };
    return sub === "operations" && operation !== undefined ? { kind: "card", tool: key, operation } : { kind: "card", tool: key };
  }
  if (top === "hide") {
    if (model.hideForm === "star") return { kind: "custom", pointer: "/hide" };
    const entry = key === undefined ? undefined : model.hide[Number(key)];
    if (entry === undefined) return null;
    return isGlobPattern(entry) ? { kind: "custom", pointer: `/hide/${key}` } : { kind: "card", tool: entry };
  }
  if (top === "categories" && key !== undefined) return { kind: "custom", pointer: `/categories/${key}` };
  if (top === "all_tools") return { kind: "custom", pointer: "/all_tools" };
  return null;
}

/** Where validation errors belong: by tool card (exact rules and hide entries) or custom card pointer. */
export function errorOwners(model: Pick<BuilderModel, "hideForm" | "hide">, paths: string[]): { tools: Map<string, string[]>; custom: Map<string, string[]>; other: string[] } {
  const tools = new Map<string, string[]>();
  const custom = new Map<string, string[]>();
  const other: string[] = [];
  for (const path of paths) {
    const t = targetOfPointer(model, path);
    if (t?.kind === "card") tools.set(t.tool, [...(tools.get(t.tool) ?? []), path]);
    else if (t?.kind === "custom") custom.set(t.pointer, [...(custom.get(t.pointer) ?? []), path]);
    else other.push(path);
  }
  return { tools, custom, other };
}
