import { CharSet } from "./regex-charset";
import { parseRegex, type RegexFlags, type RegexNode } from "./regex-parse";

/**
 * A conservative guard against catastrophic backtracking. Node's regex engine backtracks, and
 * one slow pattern stalls the whole gateway (every tenant on a shared one), so a policy may only
 * hold patterns whose worst case is polynomial of low degree. The check rejects:
 * - backreferences;
 * - a repeated group holding another variable quantifier, such as `(a+)+` or `(\w+\.)*`, unless
 *   every iteration starts with a character the inner quantifiers cannot consume, as in `(\.\d+)*`;
 * - alternatives that can start with the same character inside a repeated group, such as `(a|ab)*`;
 * - two unbounded quantifiers that can match the same characters with nothing in between that
 *   separates them, such as `\d+\d+` or `.*a.*`, which are cubic or worse in combination;
 * - repetition counts above 1000 and patterns longer than 1024 characters.
 * Some safe patterns are rejected too (the price of a simple check); they can always be
 * rewritten, e.g. `^[\w.]+$` for `^(\w+\.)*\w+$`. What remains can still be quadratic, which is
 * why matching also refuses inputs longer than REGEX_INPUT_MAX_CHARS.
 */

export const REGEX_PATTERN_MAX_CHARS = 1_024;
export const REGEX_REPEAT_MAX = 1_000;
/** Longest string a policy regex is run on: quadratic at worst, about 20-40 ms at this size. */
export const REGEX_INPUT_MAX_CHARS = 8_192;

/** Returns why the pattern is unsafe, or null. The pattern must already be a valid RegExp. */
export function findRegexHazard(pattern: string, flags: RegexFlags): string | null {
  if (pattern.length > REGEX_PATTERN_MAX_CHARS) return `pattern is longer than ${REGEX_PATTERN_MAX_CHARS} characters`;
  let root: RegexNode;
  try {
    root = parseRegex(pattern, flags);
  } catch {
    return "pattern could not be analysed";
  }
  return visit(root, false);
}

/** `insideRepeat`: some enclosing quantifier can run more than once. */
function visit(node: RegexNode, insideRepeat: boolean): string | null {
  switch (node.kind) {
    case "backref":
      return "backreferences are not allowed";
    case "repeat":
      return visitRepeat(node, insideRepeat);
    case "alt":
      if (insideRepeat && alternativesOverlap(node.branches)) {
        return "alternatives inside a repeated group can match the same text";
      }
      return firstHazard(node.branches, (branch) => visit(branch, insideRepeat));
    case "seq":
      return adjacentUnboundedHazard(node.items) ?? firstHazard(node.items, (item) => visit(item, insideRepeat));
    case "group":
    case "look":
      return visit(node.body, insideRepeat);
    default:
      return null;
  }
}

function visitRepeat(node: Extract<RegexNode, { kind: "repeat" }>, insideRepeat: boolean): string | null {
  if (node.min > REGEX_REPEAT_MAX || (node.max !== Infinity && node.max > REGEX_REPEAT_MAX)) {
    return `repetition count in \`${node.source}\` is above ${REGEX_REPEAT_MAX}`;
  }
  if (node.max > 1 && containsVariableRepeat(node.body) && !isDelimited(node.body)) {
    return `nested quantifiers in \`${node.source}\` can take exponential time`;
  }
  return visit(node.body, insideRepeat || node.max > 1);
}

function firstHazard<T>(items: readonly T[], check: (item: T) => string | null): string | null {
  for (const item of items) {
    const hazard = check(item);
    if (hazard !== null) return hazard;
  }
  return null;
}

function containsVariableRepeat(node: RegexNode): boolean {
  switch (node.kind) {
    case "repeat":
      return node.min !== node.max || containsVariableRepeat(node.body);
    case "seq":
      return node.items.some(containsVariableRepeat);
    case "alt":
      return node.branches.some(containsVariableRepeat);
    case "group":
    case "look":
      return containsVariableRepeat(node.body);
    default:
      return false;
  }
}

/**
 * A repeated body that starts with a fixed character none of its inner quantifiers can consume,
 * such as `(\.\d+)*` or `(/[^/]+)*`: every iteration can only begin at such a character, so
 * the input splits into iterations one way only and the nesting is harmless.
 */
function isDelimited(body: RegexNode): boolean {
  const items = body.kind === "group" ? [body.body] : [body];
  const flat = flattenSequence(items[0].kind === "seq" ? items[0].items : items);
  const head = flat[0];
  if (head === undefined || head.kind !== "char") return false;
  return variableRepeats(body).every((repeat) => !allChars(repeat.body).overlaps(head.set));
}

function variableRepeats(node: RegexNode, out: Extract<RegexNode, { kind: "repeat" }>[] = []) {
  if (node.kind === "repeat") {
    if (node.min !== node.max) out.push(node);
    variableRepeats(node.body, out);
  } else if (node.kind === "seq") for (const item of node.items) variableRepeats(item, out);
  else if (node.kind === "alt") for (const branch of node.branches) variableRepeats(branch, out);
  else if (node.kind === "group" || node.kind === "look") variableRepeats(node.body, out);
  return out;
}

function alternativesOverlap(branches: readonly RegexNode[]): boolean {
  const firsts = branches.map(firstChars);
  for (let i = 0; i < branches.length; i++) {
    if (nullable(branches[i])) return true;
    for (let j = i + 1; j < branches.length; j++) if (firsts[i].overlaps(firsts[j])) return true;
  }
  return false;
}

/**
 * In `items` (with plain groups flattened), an unbounded quantifier followed by another one that
 * can start with a character the first consumes, where everything between could be swallowed by
 * the first or skipped.
 */
function adjacentUnboundedHazard(items: readonly RegexNode[]): string | null {
  const flat = flattenSequence(items);
  for (let i = 0; i < flat.length; i++) {
    const first = flat[i];
    if (first.kind !== "repeat" || first.max !== Infinity) continue;
    const swallowed = allChars(first.body);
    for (let j = i + 1; j < flat.length; j++) {
      // Only the first character matters: an item that cannot start with a character the first
      // quantifier consumes can only start where that quantifier's run ends, a unique split.
      const item = flat[j];
      const chars = firstChars(item);
      if (item.kind === "repeat" && item.max === Infinity && chars.overlaps(swallowed)) {
        return `\`${first.source}\` and \`${item.source}\` can match the same characters, which can take polynomial time`;
      }
      if (!nullable(item) && !chars.overlaps(swallowed)) break;
    }
  }
  return null;
}

function flattenSequence(items: readonly RegexNode[]): RegexNode[] {
  const out: RegexNode[] = [];
  for (const item of items) {
    if (item.kind === "group" && item.body.kind === "seq") out.push(...flattenSequence(item.body.items));
    else if (item.kind === "group") out.push(item.body);
    else out.push(item);
  }
  return out;
}

function nullable(node: RegexNode): boolean {
  switch (node.kind) {
    case "char":
      return false;
    case "seq":
      return node.items.every(nullable);
    case "alt":
      return node.branches.some(nullable);
    case "group":
      return nullable(node.body);
    case "repeat":
      return node.min === 0 || nullable(node.body);
    default:
      return true; // assertions, lookarounds and backreferences can match the empty string
  }
}

function firstChars(node: RegexNode): CharSet {
  switch (node.kind) {
    case "char":
      return node.set;
    case "seq": {
      const set = CharSet.empty();
      for (const item of node.items) {
        set.union(firstChars(item));
        if (!nullable(item)) break;
      }
      return set;
    }
    case "alt":
      return node.branches.reduce((set, branch) => set.union(firstChars(branch)), CharSet.empty());
    case "group":
    case "repeat":
      return firstChars(node.body);
    case "backref":
      return CharSet.any();
    default:
      return CharSet.empty();
  }
}

function allChars(node: RegexNode): CharSet {
  switch (node.kind) {
    case "char":
      return node.set;
    case "seq":
      return node.items.reduce((set, item) => set.union(allChars(item)), CharSet.empty());
    case "alt":
      return node.branches.reduce((set, branch) => set.union(allChars(branch)), CharSet.empty());
    case "group":
    case "repeat":
      return allChars(node.body);
    case "backref":
      return CharSet.any();
    default:
      return CharSet.empty();
  }
}
