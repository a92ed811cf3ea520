import type { PolicyError } from "./errors";
import { JsonSyntaxError, positionOf, scanJson, type JsonScan } from "./json-locate";
import { parsePointer, toPointer } from "./pointer";
import { PolicyDocumentSchema, type PolicyDocument } from "./schema";
import type { KnownTools } from "./operation-names";
import { semanticErrors } from "./semantic-checks";
import { issueToErrors } from "./zod-issues";

/**
 * Validation is a separate step before anything runs (as in Cedar): a document is accepted
 * whole or rejected with every error at once, each located by JSON pointer. Only a validated
 * document may be compiled, so a stored policy is always one that compiles.
 */

export type ValidationResult =
  | { readonly ok: true; readonly policy: PolicyDocument }
  | { readonly ok: false; readonly errors: PolicyError[] };

/** Policies are small; a larger text is a mistake or an attack on the validator. */
export const POLICY_TEXT_MAX_CHARS = 4 * 1024 * 1024;

/** What validation knows beyond the document: for a policy of a server, its tools. */
export interface ValidationContext {
  /** The server's tools as the inventory has them: `operations` names are checked against their enums. */
  readonly tools?: KnownTools;
}

export function validatePolicy(document: unknown, context: ValidationContext = {}): ValidationResult {
  const parsed = PolicyDocumentSchema.safeParse(document, { reportInput: true });
  const errors: PolicyError[] = [];
  if (!parsed.success) for (const issue of parsed.error.issues) errors.push(...issueToErrors(issue, document));
  errors.push(...semanticErrors(document, context.tools));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors: dedupe(errors) };
  return { ok: true, policy: parsed.data };
}

/**
 * Validates policy text (a file, an editor's content): JSON syntax errors with their line and
 * column, keys repeated within one object, then everything validatePolicy reports, each error
 * with the line and column of the field it points at, in document order.
 */
export function validatePolicyText(text: string, context: ValidationContext = {}): ValidationResult {
  if (text.length > POLICY_TEXT_MAX_CHARS) {
    return { ok: false, errors: [{ path: "", message: `policy is longer than ${POLICY_TEXT_MAX_CHARS} characters` }] };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [syntaxError(text, error)] };
  }
  const scan = scanOrEmpty(text);
  const duplicates: PolicyError[] = scan.duplicateKeys.map(({ pointer, key }) => ({
    path: pointer,
    message: `duplicate key \`${key}\`, each key may appear once in an object`,
  }));
  const result = validatePolicy(document, context);
  if (result.ok && duplicates.length === 0) return result;
  const errors = [...duplicates, ...(result.ok ? [] : result.errors)].map((error) => locate(error, text, scan));
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { ok: false, errors };
}

function syntaxError(text: string, error: unknown): PolicyError {
  const v8 = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(v8);
  let offset: number;
  let reason: string;
  if (position !== null) {
    offset = Number(position[1]);
    reason = v8
      .replace(/ after JSON at position \d+.*$/s, " after the document")
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/JSON/g, "json");
  } else {
    // V8 does not say where an unexpected token is; the scanner does, in its own words.
    const found = scannerError(text);
    offset = found?.offset ?? text.length;
    reason = found?.message ?? v8.replace(/, .*is not valid JSON$/s, "").replace(/JSON/g, "json");
  }
  const { line, column } = positionOf(text, offset);
  reason = (reason.charAt(0).toLowerCase() + reason.slice(1)).replace(/'([^']*)'/g, "`$1`");
  return { path: "", message: `invalid json at line ${line}, column ${column}: ${reason}`, line, column };
}

function scannerError(text: string): JsonSyntaxError | null {
  try {
    scanJson(text);
    return null;
  } catch (error) {
    return error instanceof JsonSyntaxError ? error : null;
  }
}

/** The scanner only adds positions; if it fails where JSON.parse did not (deep nesting), go without. */
function scanOrEmpty(text: string): JsonScan {
  try {
    return scanJson(text);
  } catch {
    return { offsets: new Map(), duplicateKeys: [] };
  }
}

/** Adds the position of the nearest existing field: a missing field is reported where its object starts. */
function locate(error: PolicyError, text: string, scan: JsonScan): PolicyError {
  const segments = parsePointer(error.path);
  for (let length = segments.length; length >= 0; length--) {
    const offset = scan.offsets.get(toPointer(segments.slice(0, length)));
    if (offset !== undefined) return { ...error, ...positionOf(text, offset) };
  }
  return error;
}

function dedupe(errors: PolicyError[]): PolicyError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\n${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
