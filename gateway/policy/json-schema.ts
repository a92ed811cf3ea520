import Ajv, { type ErrorObject, type Options, type ValidateFunction } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import { quote, quoteList } from "./json-value";
import { escapePointerToken } from "./pointer";
import { compileSafeRegex, safeRegExpEngine } from "./safe-regex";

/**
 * JSON Schema with ajv, for two schemas of different trust:
 * - a policy's `args_schema`, written by the policy's author: checked strictly at validation
 *   (unknown keywords are typos worth reporting) and compiled once with the policy;
 * - an upstream tool's `inputSchema`, written by a server Toolgate does not trust: compiled
 *   leniently on first use and cached by object identity.
 * Both use the safe regex engine, so a `pattern` keyword cannot stall the gateway. `format` is
 * not enforced (it is an annotation unless a format library is loaded).
 */

type Draft = "2020-12" | "2019-09" | "draft-07";
type AjvInstance = InstanceType<typeof Ajv>;

const BASE_OPTIONS: Options = {
  validateFormats: false,
  // Compiled schemas are not registered by `$id`: policies come and go and must not collide.
  addUsedSchema: false,
  allErrors: false,
  allowUnionTypes: true,
  code: { regExp: safeRegExpEngine },
};
const STRICT_OPTIONS: Options = { ...BASE_OPTIONS, strict: true, strictTypes: false, strictTuples: false, strictRequired: false };
const LENIENT_OPTIONS: Options = { ...BASE_OPTIONS, strict: false, validateSchema: false };

const instances = new Map<string, AjvInstance>();

function ajvFor(draft: Draft, strict: boolean): AjvInstance {
  const key = `${draft}:${strict}`;
  let ajv = instances.get(key);
  if (ajv === undefined) {
    const options = strict ? STRICT_OPTIONS : LENIENT_OPTIONS;
    ajv = draft === "2020-12" ? new Ajv2020(options) : draft === "2019-09" ? new Ajv2019(options) : new Ajv(options);
    instances.set(key, ajv);
  }
  return ajv;
}

/** Which draft `$schema` names; a schema without `$schema` is 2020-12, as MCP now specifies. */
function draftOf(schema: Record<string, unknown>): Draft | null {
  const id = schema.$schema;
  if (id === undefined) return "2020-12";
  if (typeof id !== "string") return null;
  const normalized = id.replace(/^https?:\/\//, "").replace(/#$/, "");
  if (normalized === "json-schema.org/draft/2020-12/schema") return "2020-12";
  if (normalized === "json-schema.org/draft/2019-09/schema") return "2019-09";
  if (normalized === "json-schema.org/draft-07/schema") return "draft-07";
  return null;
}

/** Compiles without keeping the schema in ajv's cache, which would otherwise grow forever. */
function compileWith(ajv: AjvInstance, schema: Record<string, unknown>): ValidateFunction {
  try {
    return ajv.compile(schema);
  } finally {
    ajv.removeSchema(schema);
  }
}

export interface SchemaProblem {
  /** Pointer relative to the schema's root. */
  readonly pointer: string;
  readonly message: string;
}

/** Everything wrong with an `args_schema`, or an empty list. */
export function checkArgsSchema(schema: Record<string, unknown>): SchemaProblem[] {
  const draft = draftOf(schema);
  if (draft === null) {
    return [{ pointer: "/$schema", message: `unsupported \`$schema\` ${quote(schema.$schema)}, expected draft 2020-12, 2019-09 or draft-07` }];
  }
  const ajv = ajvFor(draft, true);
  if (!ajv.validateSchema(schema)) return metaSchemaProblems(ajv.errors ?? []);
  const unsafe = patternProblems(schema, "");
  if (unsafe.length > 0) return unsafe;
  try {
    cachedCompile(schema, () => compileWith(ajv, schema));
  } catch (error) {
    return [{ pointer: "", message: compileReason(error) }];
  }
  return [];
}

/** Keywords whose values are data, not schemas: a `pattern` key inside them is not a regex. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples"]);

/** Checks each `pattern` and `patternProperties` regex, so an unsafe one is reported where it is. */
function patternProblems(node: unknown, pointer: string, out: SchemaProblem[] = []): SchemaProblem[] {
  if (node === null || typeof node !== "object") return out;
  for (const [key, value] of Object.entries(node)) {
    const here = `${pointer}/${escapePointerToken(key)}`;
    if (DATA_KEYWORDS.has(key) && !Array.isArray(node)) continue;
    if (key === "pattern" && typeof value === "string") checkPattern(value, here, out);
    else if (key === "patternProperties" && value !== null && typeof value === "object") {
      for (const regex of Object.keys(value)) checkPattern(regex, `${here}/${escapePointerToken(regex)}`, out);
    }
    patternProblems(value, here, out);
  }
  return out;
}

function checkPattern(pattern: string, pointer: string, out: SchemaProblem[]): void {
  const compiled = compileSafeRegex(pattern, "u");
  if (!compiled.ok) out.push({ pointer, message: compiled.message });
}

/**
 * Compiled `args_schema` validators by schema text. Compiling takes milliseconds (ajv generates
 * code), and the same schemas come back again and again: validation then compilation of one
 * document, every replica's reload after a publish, each new version of a policy that changed
 * elsewhere. A validator keeps no state between calls, so sharing one is safe.
 */
const ARGS_SCHEMA_CACHE_MAX = 1_000;
const argsSchemaCache = new Map<string, ValidateFunction>();

function cachedCompile(schema: Record<string, unknown>, compile: () => ValidateFunction): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = argsSchemaCache.get(key);
  if (validate === undefined) {
    validate = compile();
    if (argsSchemaCache.size >= ARGS_SCHEMA_CACHE_MAX) argsSchemaCache.delete(argsSchemaCache.keys().next().value!);
    argsSchemaCache.set(key, validate);
  }
  return validate;
}

/** Compiles an `args_schema` that passed checkArgsSchema. */
export function compileArgsSchema(schema: Record<string, unknown>): ValidateFunction {
  return cachedCompile(schema, () => compileWith(ajvFor(draftOf(schema)!, true), schema));
}

/** The first meta-schema error at each place: ajv reports a failed `anyOf` three ways. */
function metaSchemaProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (seen.has(error.instancePath)) continue;
    seen.add(error.instancePath);
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    const message = allowed !== undefined ? `must be one of ${quoteList(allowed)}` : cleanAjvMessage(error.message);
    problems.push({ pointer: error.instancePath, message: `invalid json schema: ${message}` });
  }
  return problems;
}

function compileReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Unsafe patterns already carry a complete message from the regex engine.
  if (text.startsWith("unsafe regex") || text.startsWith("invalid regex")) return text;
  return `invalid json schema: ${cleanAjvMessage(text.replace(/^strict mode: /, ""))}`;
}

/** ajv writes `must NOT have`, `'name'` and `"name"`; this style wants lowercase and backticks. */
function cleanAjvMessage(message: string | undefined): string {
  return (message ?? "is invalid").replace(/NOT/g, "not").replace(/['"]([^'"]*)['"]/g, "`$1`");
}

const upstreamValidators = new WeakMap<object, ValidateFunction | string>();

/**
 * The validator of an upstream tool's `inputSchema`, compiled on first use. Returns a string
 * when the schema cannot be compiled (its author's fault, but the call is still denied).
 */
export function upstreamValidator(inputSchema: Readonly<Record<string, unknown>>): ValidateFunction | string {
  let entry = upstreamValidators.get(inputSchema);
  if (entry === undefined) {
    const draft = draftOf(inputSchema) ?? "draft-07";
    try {
      entry = compileWith(ajvFor(draft, false), inputSchema as Record<string, unknown>);
    } catch (error) {
      entry = compileReason(error);
    }
    upstreamValidators.set(inputSchema, entry);
  }
  return entry;
}

/** One line for the first error of a failed validation, naming the argument: "`args.amount` must be number". */
export function describeArgsErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (error === undefined) return "arguments do not match the schema";
  const params = error.params as Record<string, unknown>;
  const base = argsPath(error.instancePath);
  if (error.keyword === "required") return `\`${joinArg(base, String(params.missingProperty))}\` is required`;
  if (error.keyword === "additionalProperties") {
    return `\`${joinArg(base, String(params.additionalProperty))}\` is not an allowed argument`;
  }
  if (error.keyword === "enum") return `\`${base}\` must be one of ${quoteList((params.allowedValues as unknown[]) ?? [])}`;
  return `\`${base}\` ${cleanAjvMessage(error.message)}`;
}

/** `/items/0/sku` becomes `args.items[0].sku`, the condition path syntax. */
function argsPath(instancePath: string): string {
  let path = "args";
  for (const raw of instancePath.split("/").slice(1)) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    path = joinArg(path, segment);
  }
  return path;
}

function joinArg(base: string, segment: string): string {
  return /^\d+$/.test(segment) ? `${base}[${segment}]` : `${base}.${segment}`;
}
