/**
 * Splitting tool names and descriptions into lowercase words with plain character loops: no
 * regular expressions, so no backtracking on hostile input, and every loop is bounded by a cap
 * on how much text is read.
 */

/** Names longer than this are cut; MCP names are short, a huge one is hostile. */
const NAME_MAX_CHARS = 256;
/** Only the start of a description matters for the action it describes. */
const DESCRIPTION_MAX_CHARS = 2_000;

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isLower(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAlnum(code: number): boolean {
  return isUpper(code) || isLower(code) || isDigit(code);
}

/** True when a new camelCase word starts at `i`: `getFile` at F, `HTTPServer` at S. */
function camelBoundary(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (!isUpper(code)) return false;
  const before = text.charCodeAt(i - 1);
  if (isLower(before) || isDigit(before)) return true;
  return isUpper(before) && isLower(text.charCodeAt(i + 1));
}

/** `start_dicom_import_job`, `getFileContents`, `API-post-search` → lowercase words. */
export function splitIdentifier(identifier: string): string[] {
  const text = identifier.slice(0, NAME_MAX_CHARS);
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const breaks = !isAlnum(code) || (start >= 0 && i > start && camelBoundary(text, i));
    if (breaks && start >= 0) {
      words.push(text.slice(start, i).toLowerCase());
      start = -1;
    }
    if (isAlnum(code) && start < 0) start = i;
  }
  return words;
}

/** Lowercase ASCII words of `text`; anything else (punctuation, emoji, digits) separates them. */
function letterWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    const letter = isUpper(code) || isLower(code);
    if (letter && start < 0) start = i;
    if (!letter && start >= 0) {
      words.push(text.slice(start, i).toLowerCase());
      start = -1;
    }
  }
  return words;
}

function endsSentence(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  const isStop = code === 46 || code === 33 || code === 63; // . ! ?
  if (isStop) return Number.isNaN(next) || next === 32 || next === 10 || next === 13;
  return code === 10 && next === 10; // a blank line
}

/**
 * Words of the first sentence that says something: at least three words, so headings such as
 * "Purpose: 1." are skipped. Descriptions lead with what the tool does.
 */
export function firstSentenceWords(description: string): string[] {
  const text = description.slice(0, DESCRIPTION_MAX_CHARS);
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !endsSentence(text, i)) continue;
    const words = letterWords(text.slice(start, i));
    if (words.length >= 3) return words;
    start = i + 1;
  }
  return [];
}
