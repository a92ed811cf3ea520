import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validatePolicy } from "./validate";

/**
 * Every JSON example in docs/policy-language.md must be valid: a whole document as written, a
 * fragment (rule, condition, limit, top-level fields) once placed in a minimal document.
 */

const DOC = readFileSync(path.resolve(import.meta.dirname, "../../docs/policy-language.md"), "utf8");
const blocks = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]);

const TOP = ["version", "default", "hide", "all_tools", "tools", "categories", "description", "$schema"];
const RULE = ["action", "approval", "require", "deny_if", "limits", "on_deny", "args_schema", "validate_input", "max_per_session", "operations", "operation_argument"];
const LIMIT = ["counter", "window", "max", "scope", "increment_from"];

const within = (value: object, keys: string[]) => Object.keys(value).every((key) => keys.includes(key));

/** Places a fragment in a minimal document, or returns null for examples that are not policy (tool results, errors). */
function asDocument(example: unknown): unknown {
  if (Array.isArray(example)) return { version: "1", default: "deny", all_tools: { require: example } };
  if (example === null || typeof example !== "object" || "content" in example || "code" in example) return null;
  if (within(example, TOP)) return { version: "1", default: "deny", ...example };
  if (within(example, ["path", "op", "value"])) return { version: "1", default: "deny", all_tools: { deny_if: [example] } };
  if (within(example, LIMIT)) return { version: "1", default: "deny", all_tools: { limits: [example] } };
  if (within(example, RULE)) return { version: "1", default: "deny", tools: { x: example } };
  throw new Error(`unrecognised example: ${JSON.stringify(example).slice(0, 80)}`);
}

describe("docs/policy-language.md", () => {
  it("has examples", () => {
    expect(blocks.length).toBeGreaterThan(15);
  });

  it.each(blocks.map((block, index) => ({ index, block })))("example $index is valid", ({ block }) => {
    const document = asDocument(JSON.parse(block));
    if (document === null) return;
    const result = validatePolicy(document);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
