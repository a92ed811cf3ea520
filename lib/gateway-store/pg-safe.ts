// PostgreSQL's jsonb refuses two things JavaScript strings can hold: the escape \u0000 (NUL)
// and a lone surrogate escape such as \ud800 ("unsupported Unicode escape sequence"). Audit
// events carry what agents sent (tool names, request ids, argument keys and values), so one such
// character would make PostgreSQL refuse a whole batch. Each is replaced by U+FFFD, the Unicode
// replacement character.

// In JSON.stringify's output, NUL is always written as \u0000 and a lone surrogate as \udXXX
// (paired surrogates stay literal), so matching escapes that follow an even run of
// backslashes finds exactly the characters jsonb refuses, in keys and values alike.
const REFUSED_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;
const MAYBE_REFUSED = /\\u(?:0000|d[89a-f])/i;

/** JSON text (from JSON.stringify) that jsonb accepts, and text read from it: NUL and lone surrogates become U+FFFD. */
export function pgJsonText(json: string): string {
  return MAYBE_REFUSED.test(json) ? json.replace(REFUSED_ESCAPE, "$1\\ufffd") : json;
}
