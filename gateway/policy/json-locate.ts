import { escapePointerToken } from "./pointer";

/**
 * Where each value of a JSON text starts, by JSON pointer, so that validation errors on a policy
 * file can say "line 12, column 7". The scanner also finds what JSON.parse hides: keys repeated
 * in one object (JSON.parse keeps the last one silently, so a rule could vanish unnoticed), and
 * the offset of a syntax error when V8's message does not give one.
 */

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface JsonScan {
  /** Offset of each member's key (or of each element) by pointer; the root is "". */
  readonly offsets: Map<string, number>;
  readonly duplicateKeys: { pointer: string; key: string }[];
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

export function scanJson(text: string): JsonScan {
  const scanner = new Scanner(text);
  scanner.value("");
  scanner.skipWhitespace();
  if (scanner.pos < text.length) throw new JsonSyntaxError("unexpected text after the document", scanner.pos);
  return { offsets: scanner.offsets, duplicateKeys: scanner.duplicateKeys };
}

class Scanner {
  pos = 0;
  readonly offsets = new Map<string, number>();
  readonly duplicateKeys: { pointer: string; key: string }[] = [];

  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  value(pointer: string): void {
    this.skipWhitespace();
    if (!this.offsets.has(pointer)) this.offsets.set(pointer, this.pos);
    const ch = this.text[this.pos];
    if (ch === "{") return this.object(pointer);
    if (ch === "[") return this.array(pointer);
    if (ch === '"') return void this.string();
    for (const literal of ["true", "false", "null"]) {
      if (this.text.startsWith(literal, this.pos)) return void (this.pos += literal.length);
    }
    NUMBER.lastIndex = this.pos;
    if (NUMBER.exec(this.text) !== null) return void (this.pos = NUMBER.lastIndex);
    throw new JsonSyntaxError(ch === undefined ? "unexpected end of input" : `unexpected \`${ch}\``, this.pos);
  }

  private object(pointer: string): void {
    this.pos++;
    const keys = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.pos] === "}") return void this.pos++;
    for (;;) {
      this.skipWhitespace();
      const keyOffset = this.pos;
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError("expected a property name in double quotes", this.pos);
      const key = this.string();
      const child = `${pointer}/${escapePointerToken(key)}`;
      if (keys.has(key)) this.duplicateKeys.push({ pointer: child, key });
      keys.add(key);
      this.offsets.set(child, keyOffset); // the later duplicate is the one JSON.parse keeps
      this.expect(":");
      this.value(child);
      if (this.separator("}")) return;
    }
  }

  private array(pointer: string): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === "]") return void this.pos++;
    for (let index = 0; ; index++) {
      this.value(`${pointer}/${index}`);
      if (this.separator("]")) return;
    }
  }

  /** After a member or element: true at the closing bracket, false at a comma. */
  private separator(close: string): boolean {
    this.skipWhitespace();
    const ch = this.text[this.pos];
    this.pos++;
    if (ch === close) return true;
    if (ch === ",") return false;
    throw new JsonSyntaxError(`expected \`,\` or \`${close}\``, this.pos - 1);
  }

  private expect(ch: string): void {
    this.skipWhitespace();
    if (this.text[this.pos] !== ch) throw new JsonSyntaxError(`expected \`${ch}\``, this.pos);
    this.pos++;
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const code = this.text.charCodeAt(this.pos);
      if (Number.isNaN(code)) throw new JsonSyntaxError("unterminated string", start);
      if (code < 0x20) throw new JsonSyntaxError("control character in string", this.pos);
      this.pos += code === 0x5c /* \ */ ? 2 : 1;
      if (code === 0x22 /* " */) break;
    }
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      throw new JsonSyntaxError("invalid escape in string", start);
    }
  }
}

/** Converts an offset into a 1-based line and column. */
export function positionOf(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
