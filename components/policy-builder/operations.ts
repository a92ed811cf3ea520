import { compareSpecificity, compileGlob, isGlobPattern } from "@/gateway/policy/glob";
import { OPERATION_ARGUMENT_DEFAULT, type OperationRule, type ToolRule } from "@/gateway/policy/schema";
import { RISK_LEVELS, type RiskCategory, type RiskLevel } from "@/gateway/risk/types";
import { SEVERITY } from "@/gateway/risk/vocabulary";
import type { PolicyDocument } from "@/gateway/policy/schema";
import { LANES, counterNames, fromDocument, laneOfRule, laneView, ruleForLane, setRule, type BuilderModel, type InventoryEntry, type Lane, type LaneView, type ToolCard } from "./model";

/**
 * The operations of a multiplexed tool in the builder: an expanded tool card becomes one card per
 * operation ("each") or per operation group ("groups": `delete-*`, `get-*`), each in the lane its
 * rule puts it in. Every key the tool's `operations` already has gets a card in either mode, so
 * nothing the JSON holds is out of the builder's reach.
 *
 * A card's lane: its own rule under `operations`; else (an operation) the most specific pattern of
 * `operations` matching it; else the tool's own lane, which is where unlisted operations go.
 */

export type OperationsMode = "each" | "groups";

export interface OperationsInfo {
  /** The argument that selects the operation, as the tool's schema spells it. */
  argument: string;
  items: { name: string; category: RiskCategory; level: RiskLevel }[];
}

export type OperationLane = Exclude<Lane, "hide">;

export interface OperationCard {
  kind: "operation";
  /** Unique among cards: the tool and the key, joined by a character no tool name has. */
  id: string;
  tool: string;
  /** The key under `operations` this card writes: an operation's name or a pattern. */
  key: string;
  /** The inventory's operations the key covers (for a name: itself, when the inventory has it). */
  members: string[];
  lane: OperationLane;
  /** Its own rule, a pattern of `operations`, or the tool's own fields. */
  source: "rule" | "pattern" | "tool";
  via?: string;
  rule?: OperationRule;
  risk?: { category: RiskCategory; level: RiskLevel };
}

const SEPARATOR = "\u0000";
export const operationCardId = (tool: string, key: string) => `${tool}${SEPARATOR}${key}`;
export function parseOperationCardId(id: string): { tool: string; key: string } | null {
  const at = id.indexOf(SEPARATOR);
  return at < 0 ? null : { tool: id.slice(0, at), key: id.slice(at + 1) };
}

/** How a card is named to people and screen readers: "delete-* of manage_aws_glue_jobs". */
export const operationLabel = (card: Pick<OperationCard, "tool" | "key">) => `${card.key} of ${card.tool}`;

/**
 * The group of an operation: its leading word and a `*` (`delete-job` → `delete-*`,
 * `startJobRun` → `start*`); an operation of one word is its own group.
 */
export function operationGroup(name: string): string {
  const separated = /^([A-Za-z0-9]+[-_.:/])./.exec(name);
  if (separated) return `${separated[1]}*`;
  const camel = /^([a-z][a-z0-9]*)(?=[A-Z])/.exec(name);
  return camel ? `${camel[1]}*` : name;
}

function riskiest(items: OperationsInfo["items"]): OperationCard["risk"] {
  let best: OperationsInfo["items"][number] | undefined;
  const rank = (i: OperationsInfo["items"][number]) => SEVERITY[i.category] * 10 + RISK_LEVELS.indexOf(i.level);
  for (const i of items) if (!best || rank(i) > rank(best)) best = i;
  return best && { category: best.category, level: best.level };
}

/** The rule whose operations the tool's calls follow: its own, else the pattern rule placing it. */
export function effectiveToolRule(model: BuilderModel, card: ToolCard): ToolRule | undefined {
  const own = model.rules.find((e) => e.key === card.name)?.rule;
  if (own) return own;
  if (card.source === "pattern" && card.via) return model.rules.find((e) => e.key === card.via)?.rule;
  return undefined;
}

/** The operation cards of an expanded tool, in a stable order: the inventory's, then other keys of the rule. */
export function operationCards(card: ToolCard, toolRule: ToolRule | undefined, info: OperationsInfo | undefined, mode: OperationsMode): OperationCard[] {
  const items = info?.items ?? [];
  const keys = mode === "each" ? items.map((i) => i.name) : items.map((i) => operationGroup(i.name));
  return [...new Set([...keys, ...Object.keys(toolRule?.operations ?? {})])].map((key) => operationCard(card, toolRule, info, key));
}

/** The card of one key under the tool's `operations` (written or not yet). */
export function operationCard(card: ToolCard, toolRule: ToolRule | undefined, info: OperationsInfo | undefined, key: string): OperationCard {
  const own = toolRule?.operations ?? {};
  const glob = isGlobPattern(key) ? compileGlob(key) : null;
  const covered = (info?.items ?? []).filter((i) => (glob ? glob.test(i.name) : i.name === key));
  const c: OperationCard = {
    kind: "operation",
    id: operationCardId(card.name, key),
    tool: card.name,
    key,
    members: covered.map((i) => i.name),
    lane: card.lane === "hide" ? "deny" : card.lane,
    source: "tool",
    risk: riskiest(covered),
  };
  const rule = own[key];
  if (rule) return Object.assign(c, { lane: laneOfRule(rule), source: "rule", rule });
  if (glob) return c;
  const pattern = Object.keys(own).filter(isGlobPattern).map(compileGlob).sort(compareSpecificity).find((g) => g.test(key));
  return pattern ? Object.assign(c, { lane: laneOfRule(own[pattern.pattern]), source: "pattern", via: pattern.pattern }) : c;
}

/** A counter name for an operation's default limit: patterns' wildcards spelled out. */
const counterBase = (tool: string, key: string) => `${tool}_${key.replace(/\*/g, "all").replace(/\?/g, "any")}`;

/**
 * Sets (or with null removes) the rule of one operation key. A tool without a rule of its own
 * first gets one that keeps it where it was: a copy of the pattern rule that placed it, `deny`
 * when the default denied it, `{}` otherwise (a category rule still applies beside it).
 */
export function setOperationRule(model: BuilderModel, card: ToolCard, key: string, rule: OperationRule | null, argument?: string): BuilderModel {
  const base: ToolRule = structuredClone(effectiveToolRule(model, card) ?? (card.source === "default" && card.lane === "deny" ? { action: "deny" } : {}));
  const operations = { ...(base.operations ?? {}) };
  if (rule === null) delete operations[key];
  else operations[key] = rule;
  const next: ToolRule = { ...base };
  if (Object.keys(operations).length > 0) {
    next.operations = operations;
    if (argument && argument !== OPERATION_ARGUMENT_DEFAULT && next.operation_argument === undefined) {
      // Before `operations`, where a person writing the JSON would put it.
      const { operations: ops, ...rest } = next;
      return setRule(model, card.name, { ...rest, operation_argument: argument, operations: ops });
    }
  } else {
    delete next.operations;
    delete next.operation_argument;
  }
  return setRule(model, card.name, next);
}

/**
 * Moves an operation card to a lane: its key gets the rule of that lane (conditions it had stay).
 * An operation already in that lane (by its own rule, a pattern, or as the tool) is left as it is,
 * as is a drop on Hide: hiding is for whole tools.
 */
export function moveOperation(model: BuilderModel, inventory: InventoryEntry[], tool: string, key: string, lane: Lane): BuilderModel {
  if (lane === "hide") return model;
  const card = laneView(model, inventory).cards.get(tool);
  if (!card || card.lane === "hide") return model;
  const op = operationCard(card, effectiveToolRule(model, card), card.operations, key);
  const argument = card.operations?.argument;
  if (op.lane === lane) return model;
  const rule = ruleForLane(op.rule, lane, counterBase(op.tool, op.key), counterNames(model)) as OperationRule;
  return setOperationRule(model, card, op.key, rule, argument);
}

/** A lane's rows: its tool cards, each followed by the operation cards of expanded tools that fall in this lane. */
export type LaneRow = ToolCard | OperationCard;
export const isOperationCard = (row: LaneRow): row is OperationCard => (row as OperationCard).kind === "operation";

export interface OperationsView {
  rows: Record<Lane, LaneRow[]>;
  cards: Map<string, OperationCard>;
}

/**
 * The lanes' rows with the operation cards of the expanded tools placed where their tool stands
 * in the inventory's order, so a tool's operations are easy to find in every lane.
 */
export function withOperations(model: BuilderModel, view: LaneView, expanded: ReadonlyMap<string, OperationsMode>): OperationsView {
  const cards = new Map<string, OperationCard>();
  if (expanded.size === 0) return { rows: view.byLane, cards };
  const order = new Map([...view.cards.keys()].map((name, i) => [name, i]));
  const extra = Object.fromEntries(LANES.map((l) => [l, [] as { at: number; card: OperationCard }[]])) as Record<Lane, { at: number; card: OperationCard }[]>;
  for (const [tool, mode] of expanded) {
    const card = view.cards.get(tool);
    if (!card || card.lane === "hide") continue;
    for (const op of operationCards(card, effectiveToolRule(model, card), card.operations, mode)) {
      cards.set(op.id, op);
      extra[op.lane].push({ at: order.get(tool) ?? 0, card: op });
    }
  }
  const rows = Object.fromEntries(
    LANES.map((lane) => {
      const ops = extra[lane].sort((a, b) => a.at - b.at);
      if (ops.length === 0) return [lane, view.byLane[lane]];
      const out: LaneRow[] = [];
      let i = 0;
      for (const card of view.byLane[lane]) {
        const at = order.get(card.name) ?? 0;
        while (i < ops.length && ops[i].at < at) out.push(ops[i++].card);
        out.push(card);
        while (i < ops.length && ops[i].at === at) out.push(ops[i++].card);
      }
      while (i < ops.length) out.push(ops[i++].card);
      return [lane, out];
    }),
  ) as Record<Lane, LaneRow[]>;
  return { rows, cards };
}

/** Where each operation of the inventory's multiplexed tools goes (hidden tools' operations are not listed). */
function operationLanes(model: BuilderModel, view: LaneView): Map<string, { tool: string; key: string; lane: OperationLane; source: OperationCard["source"] }> {
  const out = new Map<string, { tool: string; key: string; lane: OperationLane; source: OperationCard["source"] }>();
  for (const card of view.cards.values()) {
    if (!card.operations || card.lane === "hide") continue;
    const rule = effectiveToolRule(model, card);
    for (const item of card.operations.items) {
      const op = operationCard(card, rule, card.operations, item.name);
      out.set(op.id, { tool: card.name, key: item.name, lane: op.lane, source: op.source });
    }
  }
  return out;
}

/** What changed lane between two documents: tools, then the operations of multiplexed tools ("delete-job of glue"). */
export function laneChanges(before: PolicyDocument, after: PolicyDocument, inventory: InventoryEntry[]): { name: string; from: Lane | null; to: Lane | null }[] {
  const [ma, mb] = [fromDocument(before), fromDocument(after)];
  const [va, vb] = [laneView(ma, inventory), laneView(mb, inventory)];
  const out: { name: string; from: Lane | null; to: Lane | null }[] = [];
  for (const [name, card] of vb.cards) {
    const old = va.cards.get(name);
    if (!old || old.lane !== card.lane) out.push({ name, from: old?.lane ?? null, to: card.lane });
  }
  for (const [name, card] of va.cards) if (!vb.cards.has(name)) out.push({ name, from: card.lane, to: null });
  const [oa, ob] = [operationLanes(ma, va), operationLanes(mb, vb)];
  for (const [id, op] of ob) {
    const old = oa.get(id);
    // An operation of a tool that moved as a whole moved with it: the tool's row says so.
    if (old && old.lane !== op.lane && !(old.source === "tool" && op.source === "tool")) out.push({ name: operationLabel(op), from: old.lane, to: op.lane });
  }
  return out;
}
