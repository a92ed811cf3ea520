import { findRegexHazard, REGEX_INPUT_MAX_CHARS } from "./regex-safety";

/**
 * Compiling the regexes a policy holds: syntax check, safety check, and a matcher that refuses
 * inputs too long to match in bounded time.
 */

export type SafeRegexResult = { ok: true; regex: RegExp } | { ok: false; message: string };

/**
 * Policies written for RE2-style engines start patterns with inline flags such as `(?i)`; those
 * leading flags are turned into JavaScript flags. Only `i`, `m` and `s` are understood.
 */
const INLINE_FLAGS = /^\(\?([ims]+)\)/;

export function compileSafeRegex(source: string, baseFlags = ""): SafeRegexResult {
  const inline = INLINE_FLAGS.exec(source);
  const pattern = inline === null ? source : source.slice(inline[0].length);
  const flags = unique(baseFlags + (inline?.[1] ?? ""));
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    return { ok: false, message: `invalid regex \`${source}\`: ${syntaxReason(error)}` };
  }
  const hazard = findRegexHazard(pattern, { ignoreCase: flags.includes("i"), dotAll: flags.includes("s") });
  if (hazard !== null) return { ok: false, message: `unsafe regex \`${source}\`: ${hazard}` };
  return { ok: true, regex };
}

/** True when the input is short enough to be matched by a policy regex. */
export function withinRegexInputLimit(input: string): boolean {
  return input.length <= REGEX_INPUT_MAX_CHARS;
}

/**
 * A RegExp engine for ajv (its `code.regExp` option) that applies the same safety rules to the
 * `pattern` and `patternProperties` keywords of JSON Schemas, and fails long inputs instead of
 * matching them. Unsafe patterns throw, which makes the schema fail to compile.
 */
export function safeRegExpEngine(pattern: string, flags: string): { test: (input: string) => boolean } {
  const compiled = compileSafeRegex(pattern, flags);
  if (!compiled.ok) throw new Error(compiled.message);
  const regex = compiled.regex;
  return { test: (input) => withinRegexInputLimit(input) && regex.test(input) };
}
// ajv requires a `code` property naming the engine for standalone code generation, which is unused.
safeRegExpEngine.code = "safeRegExpEngine";

function unique(flags: string): string {
  return [...new Set(flags)].join("");
}

/** V8 says `Invalid regular expression: /(/: Unterminated group`; keep the reason, lowercased. */
function syntaxReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reason = text.slice(text.lastIndexOf(": ") + 2);
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}
