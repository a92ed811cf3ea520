import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCorpus, type InvalidCase, type ValidCase } from "./testdata/load";
import { validatePolicy, validatePolicyText } from "./validate";

const SEED = {
  version: "1",
  default: "deny",
  tools: {
    start_dicom_import_job: {
      limits: [{ counter: "start_dicom_import_job_rate", window: "minute", max: 10, scope: "grant" }],
    },
  },
};

describe("validatePolicy", () => {
  it("accepts the seed policy unchanged", () => {
    const result = validatePolicy(structuredClone(SEED));
    expect(result).toEqual({ ok: true, policy: SEED });
  });

  describe.each(loadCorpus<ValidCase[]>("valid-policies.json"))("valid: $name", ({ document }) => {
    it("validates", () => {
      const result = validatePolicy(document);
      expect(result.ok ? [] : result.errors).toEqual([]);
    });
  });

  describe.each(loadCorpus<InvalidCase[]>("invalid-policies.json"))("invalid: $name", ({ document, errors }) => {
    const result = validatePolicy(document);
    const actual = result.ok ? [] : result.errors;

    it("reports exactly the expected pointers", () => {
      expect(actual.map((error) => error.path).sort()).toEqual(errors.map((error) => error.path).sort());
    });

    it.each(errors)("says why at $path", ({ path, message }) => {
      const messages = actual.filter((error) => error.path === path).map((error) => error.message);
      expect(messages.some((text) => text.includes(message)), `${messages.join(" | ")} should include ${message}`).toBe(true);
    });
  });

  it("checks a rule's approvers: emails, at least one, at most 50", () => {
    const withApprovers = (approvers: unknown) => ({ version: "1", default: "deny", tools: { refund: { action: "require_approval", approval: { approvers } } } });
    expect(validatePolicy(withApprovers(["alice@example.com", "Bob@Example.org"])).ok).toBe(true);
    const pointers = (approvers: unknown) => {
      const result = validatePolicy(withApprovers(approvers));
      return result.ok ? [] : result.errors.map((error) => error.path);
    };
    expect(pointers(["alice@example.com", "not an email"])).toEqual(["/tools/refund/approval/approvers/1"]);
    expect(pointers([])).toEqual(["/tools/refund/approval/approvers"]);
    expect(pointers(Array.from({ length: 51 }, (_, i) => `p${i}@example.com`))).toEqual(["/tools/refund/approval/approvers"]);
    expect(pointers("alice@example.com")).toEqual(["/tools/refund/approval/approvers"]);
  });

  it("writes every message in one style: one line, lowercase start, no final period", () => {
    const all = loadCorpus<InvalidCase[]>("invalid-policies.json").flatMap(({ document }) => {
      const result = validatePolicy(document);
      return result.ok ? [] : result.errors;
    });
    expect(all.length).toBeGreaterThan(60);
    for (const { message } of all) {
      expect(message).not.toMatch(/\n/);
      expect(message).not.toMatch(/\.$/);
      expect(message.charAt(0), message).toBe(message.charAt(0).toLowerCase());
    }
  });

  it("never throws, whatever it is given", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(() => validatePolicy(value)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on documents that are almost right", () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const condition = fc.record({ path: fc.oneof(fc.constantFrom("args.a", "grant.label", "x"), fc.string()), op: fc.oneof(fc.constantFrom("eq", "in", "regex", "gt", "exists"), fc.string()), value: anything });
    const rule = fc.record({ require: fc.oneof(fc.array(condition), anything), deny_if: fc.array(condition), limits: fc.oneof(fc.array(fc.dictionary(fc.constantFrom("counter", "window", "max", "scope", "increment_from"), anything)), anything), args_schema: anything, action: anything }, { requiredKeys: [] });
    const document = fc.record({ version: anything, default: anything, hide: anything, tools: fc.dictionary(fc.string(), rule), categories: fc.dictionary(fc.constantFrom("Read", "Destructive", "Other"), rule) }, { requiredKeys: [] });
    fc.assert(
      fc.property(document, (value) => {
        const result = validatePolicy(value);
        if (!result.ok) for (const error of result.errors) expect(error.path === "" || error.path.startsWith("/")).toBe(true);
      }),
      { numRuns: 200 },
    );
  }, 30_000);
});

describe("validatePolicyText", () => {
  it("accepts the seed policy as text", () => {
    expect(validatePolicyText(JSON.stringify(SEED, null, 2)).ok).toBe(true);
  });

  it("reports a syntax error with its line and column", () => {
    const text = '{\n  "version": "1",\n  "default": "deny",\n  "tools": { "x": {}, }\n}';
    const result = validatePolicyText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ path: "", line: 4, column: 23 });
    expect(result.errors[0].message).toMatch(/^invalid json at line 4, column 23: /);
  });

  it("locates a token V8 does not place", () => {
    const result = validatePolicyText('{\n  "version": "1",\n  "default": tru\n}');
    expect(result.ok ? null : result.errors[0]).toMatchObject({ line: 3, column: 14 });
  });

  it("reports empty text", () => {
    const result = validatePolicyText("");
    expect(result.ok ? null : result.errors[0].message).toMatch(/^invalid json at line 1, column 1/);
  });

  it("reports keys repeated in one object, which JSON.parse would silently drop", () => {
    const text = '{\n  "version": "1",\n  "default": "deny",\n  "tools": {\n    "x": {"action": "deny"},\n    "x": {}\n  }\n}';
    const result = validatePolicyText(text);
    expect(result.ok ? [] : result.errors).toEqual([
      { path: "/tools/x", message: "duplicate key `x`, each key may appear once in an object", line: 6, column: 5 },
    ]);
  });

  it("places each validation error at its field, in document order", () => {
    const text = [
      "{",
      '  "version": "1",',
      '  "default": "deny",',
      '  "tools": {',
      '    "x": {',
      '      "limits": [{ "counter": "c", "window": "week", "max": 1 }],',
      '      "deny-if": []',
      "    }",
      "  },",
      '  "hide": ["a b"]',
      "}",
    ].join("\n");
    const result = validatePolicyText(text);
    expect(result.ok ? [] : result.errors.map(({ path, line, column }) => ({ path, line, column }))).toEqual([
      { path: "/tools/x/limits/0/window", line: 6, column: 36 },
      { path: "/tools/x/deny-if", line: 7, column: 7 },
      { path: "/hide/0", line: 10, column: 12 },
    ]);
  });

  it("places a missing field where its object starts", () => {
    const result = validatePolicyText('{\n  "version": "1",\n  "tools": { "x": { "limits": [ { "counter": "c", "max": 1 } ] } }\n}');
    expect(result.ok ? [] : result.errors).toEqual([
      { path: "/default", message: "missing required field `default`", line: 1, column: 1 },
      { path: "/tools/x/limits/0/window", message: "missing required field `window`", line: 3, column: 33 },
    ]);
  });

  it("refuses text too long to be a policy", () => {
    const result = validatePolicyText(" ".repeat(4 * 1024 * 1024 + 1));
    expect(result.ok ? null : result.errors[0].message).toMatch(/^policy is longer than/);
  });
});

describe("validatePolicyText syntax messages", () => {
  it("says what follows the document", () => {
    const result = validatePolicyText('{"version":"1","default":"deny"}}');
    expect(result.ok ? null : result.errors[0].message).toBe(
      "invalid json at line 1, column 33: unexpected non-whitespace character after the document",
    );
  });
});
