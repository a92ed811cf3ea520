import { describe, expect, it } from "vitest";
import { firstSentenceWords, splitIdentifier } from "./tokenize";

describe("splitIdentifier", () => {
  it("splits snake, kebab, camel and Pascal case", () => {
    expect(splitIdentifier("start_dicom_import_job")).toEqual(["start", "dicom", "import", "job"]);
    expect(splitIdentifier("API-post-search")).toEqual(["api", "post", "search"]);
    expect(splitIdentifier("getFileContents")).toEqual(["get", "file", "contents"]);
    expect(splitIdentifier("HTTPServerStart")).toEqual(["http", "server", "start"]);
    expect(splitIdentifier("s3.listBuckets v2")).toEqual(["s3", "list", "buckets", "v2"]);
    expect(splitIdentifier("__node_version")).toEqual(["node", "version"]);
  });

  it("caps hostile lengths", () => {
    expect(splitIdentifier("a_".repeat(100_000)).length).toBeLessThanOrEqual(128);
  });
});

describe("firstSentenceWords", () => {
  it("takes the first sentence of at least three words", () => {
    expect(firstSentenceWords(" 🎯 Purpose: 1. Retrieves a list of objects. Then more.")).toEqual([
      "retrieves", "a", "list", "of", "objects",
    ]);
    expect(firstSentenceWords("\nCreate Invoices on PayPal.\n\nThis function...")).toEqual([
      "create", "invoices", "on", "paypal",
    ]);
  });

  it("does not end a sentence at a dot inside a word", () => {
    expect(firstSentenceWords("Reads file.txt from disk. Next")).toEqual(["reads", "file", "txt", "from", "disk"]);
  });

  it("returns nothing for empty or wordless text", () => {
    expect(firstSentenceWords("")).toEqual([]);
    expect(firstSentenceWords("1. 2. 3.")).toEqual([]);
  });
});
