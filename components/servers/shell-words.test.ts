import { describe, expect, it } from "vitest";
import { joinWords, quoteWord, splitWords } from "./shell-words";

describe("splitWords", () => {
  it("splits on runs of whitespace", () => {
    expect(splitWords("  -y  @modelcontextprotocol/server-filesystem\t/tmp/dir ")).toEqual({ ok: true, words: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp/dir"] });
    expect(splitWords("")).toEqual({ ok: true, words: [] });
  });

  it("keeps quoted spaces, empty quoted words and adjacent quoted parts in one word", () => {
    expect(splitWords(`--root "/Users/me/My Files" '' a'b c'd`).words).toEqual(["--root", "/Users/me/My Files", "", "ab cd"]);
  });

  it("reads backslashes as a shell does: literal inside single quotes, escaping only \" \\ $ ` inside double quotes", () => {
    expect(splitWords(String.raw`a\ b 'c\d' "e\"f\g"`).words).toEqual(["a b", String.raw`c\d`, String.raw`e"f\g`]);
  });

  it("reports an unclosed quote", () => {
    expect(splitWords(`--name "half`)).toEqual({ ok: false, error: "a double quote is not closed", words: ["--name", "half"] });
    expect(splitWords(`'x`).ok).toBe(false);
  });
});

describe("joinWords", () => {
  it("leaves plain words bare and quotes the rest so that splitting gives them back", () => {
    expect(quoteWord("/tmp/dir")).toBe("/tmp/dir");
    expect(quoteWord("")).toBe("''");
    const words = ["node", "/a b/index.js", "it's", "$HOME", "", "--x=1"];
    const line = joinWords(words);
    expect(line).toBe(`node '/a b/index.js' 'it'\\''s' '$HOME' '' --x=1`);
    expect(splitWords(line)).toEqual({ ok: true, words });
  });
});
