/**
 * Tool name patterns: `*` matches any run of characters (also none), `?` exactly one; every other
 * character is literal. Nothing else (classes, braces, escapes) is supported, so a pattern is
 * easy to read and cannot be slow: matching is a prefix check, a suffix check and a left-to-right
 * scan for the pieces between stars, never backtracking over earlier pieces.
 */

export interface Glob {
  readonly pattern: string;
  /** Literal characters before the first wildcard: the primary specificity key. */
  readonly literalPrefix: string;
  /** Count of non-wildcard characters: the secondary key. */
  readonly literalChars: number;
  /** Count of `*` and `?`: fewer is more specific. */
  readonly wildcards: number;
  test(name: string): boolean;
}

export const TOOL_NAME_MAX_CHARS = 256;

export function isGlobPattern(key: string): boolean {
  return key.includes("*") || key.includes("?");
}

/** Returns why `key` is not a usable tool name or pattern, or null when it is fine. */
export function checkToolKey(key: string): string | null {
  if (key.length === 0) return "tool name must not be empty";
  if (key.length > TOOL_NAME_MAX_CHARS) return `tool name is longer than ${TOOL_NAME_MAX_CHARS} characters`;
  if (key === "__proto__") return "`__proto__` is not allowed as a tool name";
  // Whitespace and control characters never occur in real tool names and are usually typos.
  if (/[\s\p{Cc}]/u.test(key)) return `\`${key}\` contains whitespace or a control character`;
  if (/[[\]{}\\]/.test(key)) {
    return `invalid pattern \`${key}\`: only \`*\` and \`?\` are wildcards, classes, braces and escapes are not supported`;
  }
  if (key.includes("**")) return `invalid pattern \`${key}\`: use a single \`*\` instead of \`**\``;
  return null;
}

/** Compiles a pattern that passed checkToolKey. */
export function compileGlob(pattern: string): Glob {
  const firstWildcard = pattern.search(/[*?]/);
  const literalPrefix = firstWildcard < 0 ? pattern : pattern.slice(0, firstWildcard);
  let wildcards = 0;
  for (const ch of pattern) if (ch === "*" || ch === "?") wildcards++;
  return {
    pattern,
    literalPrefix,
    literalChars: pattern.length - wildcards,
    wildcards,
    test: buildMatcher(pattern),
  };
}

function buildMatcher(pattern: string): (name: string) => boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) {
    return (name) => name.length === pattern.length && matchAt(name, 0, pattern);
  }
  const head = parts[0];
  const tail = parts[parts.length - 1];
  const middles = parts.slice(1, -1).filter((part) => part.length > 0);
  let minLength = head.length + tail.length;
  for (const middle of middles) minLength += middle.length;
  return (name) => {
    if (name.length < minLength) return false;
    const tailStart = name.length - tail.length;
    if (!matchAt(name, 0, head) || !matchAt(name, tailStart, tail)) return false;
    let position = head.length;
    for (const middle of middles) {
      // Leftmost match of each middle piece is always right for `*`-separated pieces.
      const at = findFrom(name, middle, position, tailStart);
      if (at < 0) return false;
      position = at + middle.length;
    }
    return true;
  };
}

/** Does `piece` (where `?` is any one character) occur in `name` at `at`? */
function matchAt(name: string, at: number, piece: string): boolean {
  for (let i = 0; i < piece.length; i++) {
    const expected = piece.charCodeAt(i);
    if (expected !== 63 /* ? */ && expected !== name.charCodeAt(at + i)) return false;
  }
  return true;
}

/** First index in [from, end - piece.length] where piece matches, or -1. */
function findFrom(name: string, piece: string, from: number, end: number): number {
  const last = end - piece.length;
  if (!piece.includes("?")) {
    const at = name.indexOf(piece, from);
    return at >= 0 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) if (matchAt(name, at, piece)) return at;
  return -1;
}

/**
 * Orders patterns from most to least specific: longer literal prefix first, then more literal
 * characters, then fewer wildcards, then by code units. The last key makes the order independent
 * of the order of keys in the document, which JSON stores (PostgreSQL `jsonb`, for one) may change.
 */
export function compareSpecificity(a: Glob, b: Glob): number {
  return (
    b.literalPrefix.length - a.literalPrefix.length ||
    b.literalChars - a.literalChars ||
    a.wildcards - b.wildcards ||
    (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0)
  );
}
