import { z } from "zod";
import { closestName, type PolicyError } from "./errors";
import { jsonTypeOf, quote, quoteList } from "./json-value";
import { toPointer } from "./pointer";
import { PolicyDocumentSchema } from "./schema";

/**
 * Turns zod's issues into policy errors in the house style. zod's own messages
 * ("Invalid input: expected number, received string") are neither Cedar-style nor specific
 * enough: here a missing field is named, an unknown field gets a "did you mean", and each
 * unknown key is its own error at its own pointer.
 */

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

export function issueToErrors(issue: Issue, document: unknown): PolicyError[] {
  const path = issue.path;
  const pointer = toPointer(path.map(String));
  if (issue.code !== "unrecognized_keys" && isMissing(document, path)) {
    return [{ path: pointer, message: `missing required field \`${String(path.at(-1))}\`` }];
  }
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: toPointer([...path.map(String), key]), message: unknownField(key, path) }));
    case "invalid_type":
      return [{ path: pointer, message: invalidType(issue, path, document) }];
    case "invalid_value":
      return [{ path: pointer, message: invalidValue(issue.values, valueAt(document, path), path) }];
    case "too_small":
      return [{ path: pointer, message: tooSmall(issue) }];
    case "too_big":
      return [{ path: pointer, message: tooBig(issue) }];
    case "invalid_union":
      return unionErrors(issue, document);
    default:
      return [{ path: pointer, message: lowerFirst(issue.message) }];
  }
}

/**
 * A union fails as a whole, but when the value had the right type for one branch (`hide` is an
 * array) the useful errors are that branch's, inside the value: report those.
 */
function unionErrors(issue: Extract<Issue, { code: "invalid_union" }>, document: unknown): PolicyError[] {
  const inner = issue.errors.find((branch) => branch.length > 0 && branch.every((nested) => nested.path.length > 0));
  if (inner !== undefined) {
    return inner.flatMap((nested) => issueToErrors({ ...nested, path: [...issue.path, ...nested.path] } as Issue, document));
  }
  const pointer = toPointer(issue.path.map(String));
  const message = issue.path.at(-1) === "hide" ? "expected `*` or an array of tool names" : "does not match any accepted form";
  return [{ path: pointer, message }];
}

function unknownField(key: string, path: readonly Segment[]): string {
  const suggestion = closestName(key, knownKeysAt(path));
  return `unknown field \`${key}\`` + (suggestion === null ? "" : `, did you mean \`${suggestion}\`?`);
}

/** A field its object lacks (as opposed to one present with a wrong value). */
function isMissing(document: unknown, path: readonly Segment[]): boolean {
  const parent = valueAt(document, path.slice(0, -1));
  const key = path.at(-1);
  return parent !== null && typeof parent === "object" && !Array.isArray(parent) && key !== undefined && !Object.hasOwn(parent, key);
}

function invalidType(issue: Extract<Issue, { code: "invalid_type" }>, path: readonly Segment[], document: unknown): string {
  const actual = valueAt(document, path);
  if (issue.expected === "int") return `expected an integer, got ${quote(actual)}`;
  const expected = issue.expected === "record" ? "object" : issue.expected;
  return `expected ${expected}, got ${jsonTypeOf(actual)}`;
}

function invalidValue(values: readonly unknown[], actual: unknown, path: readonly Segment[]): string {
  if (path.length === 1 && path[0] === "version") return `unsupported version ${quote(actual)}, expected \`"1"\``;
  const expected = values.length === 1 ? quote(values[0]) : `one of ${quoteList(values)}`;
  const suggestion = typeof actual === "string" ? closestName(actual, values.map(String)) : null;
  return `expected ${expected}, got ${quote(actual)}` + (suggestion === null ? "" : `, did you mean \`${suggestion}\`?`);
}

function tooSmall(issue: Extract<Issue, { code: "too_small" }>): string {
  const minimum = Number(issue.minimum);
  if (issue.origin === "string") return minimum === 1 ? "must not be empty" : `must be at least ${minimum} characters long`;
  if (issue.origin === "array") return `must have at least ${minimum} items`;
  return issue.inclusive === false ? `must be greater than ${minimum}` : `must be at least ${minimum}`;
}

function tooBig(issue: Extract<Issue, { code: "too_big" }>): string {
  const maximum = Number(issue.maximum);
  if (issue.origin === "string") return `must be at most ${maximum} characters long`;
  if (issue.origin === "array") return `must have at most ${maximum} items`;
  return issue.inclusive === false ? `must be less than ${maximum}` : `must be at most ${maximum}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The raw value at a path of the document, or undefined. */
function valueAt(document: unknown, path: readonly Segment[]): unknown {
  let current = document;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The field names the schema accepts for the object at `path`, for suggestions. */
function knownKeysAt(path: readonly Segment[]): string[] {
  let schema: z.ZodType | undefined = PolicyDocumentSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(key)];
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}
