// PostgreSQL refuses two things JavaScript strings can hold: NUL in text ("invalid byte
// sequence for encoding UTF8: 0x00") and, in jsonb, the escape \u0000 or a lone surrogate
// escape such as \ud800. Audit events carry what agents sent (tool names, request ids,
// argument keys and values), so one such character would make PostgreSQL refuse a whole
// batch. Each is replaced by U+FFFD, the Unicode replacement character.

/** Text PostgreSQL accepts (lone surrogates need nothing: the driver's UTF-8 encoding replaces them). */
export function pgText(value: string): string {
  return value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value;
}

export function pgTextOrNull(value: string | null): string | null {
  return value === null ? null : pgText(value);
}

// In JSON.stringify's output, NUL is always written as \u0000 and a lone surrogate as \udXXX
// (paired surrogates stay literal), so matching escapes that follow an even run of
// backslashes finds exactly the characters jsonb refuses, in keys and values alike.
const REFUSED_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;
const MAYBE_REFUSED = /\\u(?:0000|d[89a-f])/i;

/** A JSON value jsonb accepts: the same value unless it held NUL or lone surrogates. */
export function pgJson(value: unknown): unknown {
  const json = JSON.stringify(value);
  if (json === undefined || !MAYBE_REFUSED.test(json)) return value;
  return JSON.parse(json.replace(REFUSED_ESCAPE, "$1\\ufffd"));
}
