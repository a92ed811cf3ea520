import { CharSet } from "./regex-charset";

/**
 * A small parser for JavaScript regular expressions, just precise enough for the safety check in
 * regex-safety.ts. It runs only on patterns that `new RegExp` has already accepted, so it does not
 * report syntax errors; where it is unsure what a construct matches it assumes "any character",
 * which can only make the safety check stricter.
 */

export type RegexNode =
  | { kind: "char"; set: CharSet }
  | { kind: "seq"; items: RegexNode[] }
  | { kind: "alt"; branches: RegexNode[] }
  | { kind: "group"; body: RegexNode }
  | { kind: "look"; body: RegexNode }
  | { kind: "repeat"; body: RegexNode; min: number; max: number; source: string }
  | { kind: "assert" }
  | { kind: "backref" };

export interface RegexFlags {
  ignoreCase: boolean;
  dotAll: boolean;
}

const QUANTIFIER_BRACES = /^\{(\d+)(,(\d*))?\}/;

export function parseRegex(pattern: string, flags: RegexFlags): RegexNode {
  return new Parser(pattern, flags).parse();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly flags: RegexFlags,
  ) {}

  parse(): RegexNode {
    const node = this.parseAlternation();
    if (this.pos < this.src.length) throw new Error(`unexpected \`${this.src[this.pos]}\``);
    return node;
  }

  private parseAlternation(): RegexNode {
    const branches = [this.parseSequence()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      branches.push(this.parseSequence());
    }
    return branches.length === 1 ? branches[0] : { kind: "alt", branches };
  }

  private parseSequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const start = this.pos;
      items.push(this.parseQuantifier(this.parseAtom(), start));
    }
    return { kind: "seq", items };
  }

  private parseQuantifier(atom: RegexNode, start: number): RegexNode {
    const ch = this.src[this.pos];
    let min: number;
    let max: number;
    if (ch === "*" || ch === "+" || ch === "?") {
      this.pos++;
      [min, max] = ch === "*" ? [0, Infinity] : ch === "+" ? [1, Infinity] : [0, 1];
    } else {
      const braces = ch === "{" ? QUANTIFIER_BRACES.exec(this.src.slice(this.pos)) : null;
      if (braces === null) return atom;
      this.pos += braces[0].length;
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === "" ? Infinity : Number(braces[3]);
    }
    if (this.src[this.pos] === "?") this.pos++; // lazy: the same worst case as greedy
    return { kind: "repeat", body: atom, min, max, source: this.src.slice(start, this.pos) };
  }

  private parseAtom(): RegexNode {
    const ch = this.src[this.pos];
    switch (ch) {
      case "(":
        return this.parseGroup();
      case "[":
        return { kind: "char", set: this.parseClass() };
      case "\\":
        return this.parseEscape();
      case ".":
        this.pos++;
        return { kind: "char", set: CharSet.dot(this.flags.dotAll) };
      case "^":
      case "$":
        this.pos++;
        return { kind: "assert" };
      default: {
        const code = this.src.codePointAt(this.pos)!;
        this.pos += code > 0xffff ? 2 : 1;
        return { kind: "char", set: CharSet.of(code, this.flags.ignoreCase) };
      }
    }
  }

  private parseGroup(): RegexNode {
    this.pos++; // (
    let look = false;
    if (this.src.startsWith("?:", this.pos)) this.pos += 2;
    else if (this.src.startsWith("?=", this.pos) || this.src.startsWith("?!", this.pos)) {
      this.pos += 2;
      look = true;
    } else if (this.src.startsWith("?<=", this.pos) || this.src.startsWith("?<!", this.pos)) {
      this.pos += 3;
      look = true;
    } else if (this.src.startsWith("?<", this.pos)) {
      this.pos = this.src.indexOf(">", this.pos) + 1; // named capturing group
    }
    const body = this.parseAlternation();
    if (this.src[this.pos] !== ")") throw new Error("unterminated group");
    this.pos++;
    return look ? { kind: "look", body } : { kind: "group", body };
  }

  private parseEscape(): RegexNode {
    const next = this.src[this.pos + 1];
    if (next === "b" || next === "B") {
      this.pos += 2;
      return { kind: "assert" };
    }
    if (next !== undefined && next >= "1" && next <= "9") {
      this.pos += 2;
      while (/\d/.test(this.src[this.pos] ?? "")) this.pos++;
      return { kind: "backref" };
    }
    if (next === "k" && this.src[this.pos + 2] === "<") {
      this.pos = this.src.indexOf(">", this.pos) + 1;
      return { kind: "backref" };
    }
    const result = this.parseEscapeValue(false);
    return { kind: "char", set: typeof result === "number" ? CharSet.of(result, this.flags.ignoreCase) : result };
  }

  /** Reads `\…` at pos; returns a code point or a set. Inside a class `\b` is backspace. */
  private parseEscapeValue(inClass: boolean): number | CharSet {
    const next = this.src[this.pos + 1];
    this.pos += 2;
    switch (next) {
      case "d":
        return CharSet.digits();
      case "D":
        return CharSet.digits().complement();
      case "w":
        return CharSet.word();
      case "W":
        return CharSet.word().complement();
      case "s":
        return CharSet.space();
      case "S":
        return CharSet.space().complement();
      case "n":
        return 10;
      case "r":
        return 13;
      case "t":
        return 9;
      case "f":
        return 12;
      case "v":
        return 11;
      case "0":
        return 0;
      case "b":
        return inClass ? 8 : CharSet.any();
      case "x":
      case "u":
      case "c":
      case "p":
      case "P":
        // Hex, unicode, control and property escapes: skip their payload and assume any character.
        this.skipEscapePayload(next);
        return CharSet.any();
      default:
        return next.codePointAt(0)!;
    }
  }

  private skipEscapePayload(kind: string): void {
    const rest = this.src.slice(this.pos);
    const payload =
      kind === "x"
        ? /^[0-9a-fA-F]{2}/.exec(rest)
        : kind === "u"
          ? /^(\{[0-9a-fA-F]+\}|[0-9a-fA-F]{4})/.exec(rest)
          : kind === "c"
            ? /^[A-Za-z]/.exec(rest)
            : /^\{[^}]*\}/.exec(rest);
    if (payload !== null) this.pos += payload[0].length;
  }

  private parseClass(): CharSet {
    this.pos++; // [
    const negate = this.src[this.pos] === "^";
    if (negate) this.pos++;
    const set = CharSet.empty();
    while (this.pos < this.src.length && this.src[this.pos] !== "]") {
      const from = this.parseClassAtom();
      if (this.src[this.pos] === "-" && this.src[this.pos + 1] !== "]" && this.pos + 1 < this.src.length) {
        this.pos++;
        const to = this.parseClassAtom();
        if (typeof from === "number" && typeof to === "number") set.addRange(from, to, this.flags.ignoreCase);
        else set.union(asSet(from, this.flags)).union(asSet(to, this.flags)).addRange(45, 45);
      } else {
        set.union(asSet(from, this.flags));
      }
    }
    this.pos++; // ]
    return negate ? set.complement() : set;
  }

  private parseClassAtom(): number | CharSet {
    if (this.src[this.pos] === "\\") return this.parseEscapeValue(true);
    const code = this.src.codePointAt(this.pos)!;
    this.pos += code > 0xffff ? 2 : 1;
    return code;
  }
}

function asSet(value: number | CharSet, flags: RegexFlags): CharSet {
  return typeof value === "number" ? CharSet.of(value, flags.ignoreCase) : value;
}
