// Arguments typed as one shell-like line, split the way a POSIX shell would split them (quotes and
// backslashes; no variables, globs or pipes: nothing is run through a shell), and back again for
// a command line to paste into a terminal.

export type SplitResult = { ok: true; words: string[] } | { ok: false; error: string; words: string[] };

/** Splits `line` into words: whitespace separates, '…' is literal, "…" honours \" \\ \$ \`, \ escapes one character. */
export function splitWords(line: string): SplitResult {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      inWord = true;
      if (i + 1 < line.length) word += line[++i];
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (quote) return { ok: false, error: `a ${quote === "'" ? "single" : "double"} quote is not closed`, words };
  return { ok: true, words };
}

/** One word as a shell reads it back: bare when safe, otherwise in single quotes. */
export function quoteWord(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words as one line a shell splits back into the same words. */
export function joinWords(words: string[]): string {
  return words.map(quoteWord).join(" ");
}
