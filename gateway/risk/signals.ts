/**
 * Reading the signals out of a tool definition: the name's action word, the description's first
 * sentence, the input property names and the annotations. Nothing here decides; decide.ts does.
 */

import { firstSentenceWords, splitIdentifier } from "./tokenize";
import type { RiskSignals, ToolAnnotations, ToolDefinition, VerbMatch } from "./types";
import {
  AMBIGUOUS_IN_PROSE,
  EXECUTABLE_PROPERTIES,
  MONEY_NOUNS,
  MONEY_PROPERTY_WORDS,
  SENSITIVE_WORDS,
  SEVERITY,
  VERBS,
  WEAK_NAME_VERBS,
} from "./vocabulary";

/** Most tools have a handful of properties; a schema with thousands is not worth reading. */
const MAX_PROPERTIES = 200;

/** The first action word of a name; HTTP-method words only when nothing else matches. */
function nameVerb(tokens: readonly string[]): VerbMatch | undefined {
  let weak: VerbMatch | undefined;
  for (const token of tokens) {
    const category = VERBS.get(token);
    if (!category) continue;
    if (!WEAK_NAME_VERBS.has(token)) return { token, category };
    weak ??= { token, category };
  }
  return weak;
}

function nameDestructive(tokens: readonly string[]): string | undefined {
  return tokens.find((token) => VERBS.get(token) === "Destructive");
}

/** The word itself, else without a plural or third-person ending ("deletes", "searches"). */
function proseVerb(word: string): VerbMatch | undefined {
  for (const token of [word, word.endsWith("s") ? word.slice(0, -1) : "", word.endsWith("es") ? word.slice(0, -2) : ""]) {
    const category = token ? VERBS.get(token) : undefined;
    if (category) return { token, category };
  }
  return undefined;
}

/** The most severe action word of the sentence: "List, create, or close a tab" is a Write. */
function descriptionVerb(words: readonly string[]): VerbMatch | undefined {
  let best: VerbMatch | undefined;
  for (const word of words) {
    if (AMBIGUOUS_IN_PROSE.has(word)) continue;
    const match = proseVerb(word);
    if (match && (!best || SEVERITY[match.category] > SEVERITY[best.category])) best = match;
  }
  return best;
}

function propertyNames(inputSchema: unknown): string[] {
  if (typeof inputSchema !== "object" || inputSchema === null) return [];
  const properties = (inputSchema as { properties?: unknown }).properties;
  if (typeof properties !== "object" || properties === null) return [];
  return Object.keys(properties).slice(0, MAX_PROPERTIES);
}

/** Keeps only boolean hints: a server that sends "true" as a string gets no say. */
function readAnnotations(annotations: unknown): ToolAnnotations {
  if (typeof annotations !== "object" || annotations === null) return {};
  const source = annotations as Record<string, unknown>;
  const hints: ToolAnnotations = {};
  for (const hint of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
    if (typeof source[hint] === "boolean") hints[hint] = source[hint] as boolean;
  }
  return hints;
}

/**
 * Money words of the name and money-shaped inputs. Prose is left out: "resource subscription
 * updates" or "the fee for this API" in a description say nothing about moving money.
 */
function moneySignals(nameTokens: readonly string[], properties: readonly string[]): string[] {
  const found = nameTokens.filter((word) => MONEY_NOUNS.has(word));
  for (const property of properties) {
    if (splitIdentifier(property).some((word) => MONEY_PROPERTY_WORDS.has(word))) found.push(property);
  }
  return [...new Set(found)];
}

function executableProperties(properties: readonly string[]): string[] {
  return properties.filter((property) => EXECUTABLE_PROPERTIES.has(splitIdentifier(property).join("")));
}

/**
 * "overwrite an existing file", "replaces exact line sequences": a write that loses what was
 * there. Only these phrasings count; "replace" alone is too common in harmless updates.
 */
const OVERWRITES = /\b(overwrit(?:e|es|ing|ten)|replac(?:e|es|ing) (?:the |any |all |its )?(?:existing|entire|whole|exact|current)\b[^.]*)/i;

function overwrites(description: unknown): string | undefined {
  if (typeof description !== "string") return undefined;
  const m = OVERWRITES.exec(description.slice(0, 2000));
  return m ? m[1].split(/\s+/).slice(0, 3).join(" ").toLowerCase() : undefined;
}

export function readSignals(tool: ToolDefinition): RiskSignals {
  const nameTokens = splitIdentifier(String(tool.name ?? ""));
  const sentence = typeof tool.description === "string" ? firstSentenceWords(tool.description) : [];
  const properties = propertyNames(tool.inputSchema);
  const words = [...nameTokens, ...sentence];
  return {
    nameTokens,
    nameVerb: nameVerb(nameTokens),
    nameDestructive: nameDestructive(nameTokens),
    overwrites: overwrites(tool.description),
    descriptionVerb: descriptionVerb(sentence),
    money: moneySignals(nameTokens, properties),
    executableInput: executableProperties(properties),
    sensitive: [...new Set(words.filter((word) => SENSITIVE_WORDS.has(word)))],
    annotations: readAnnotations(tool.annotations),
  };
}
