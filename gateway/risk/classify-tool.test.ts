import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyTool } from "./classify-tool";
import { RISK_LEVELS, type ToolDefinition } from "./types";
import { SEVERITY } from "./vocabulary";

const classify = (name: string, rest: Partial<ToolDefinition> = {}) => classifyTool({ name, ...rest });

describe("classifyTool: required cases", () => {
  it("start_dicom_import_job is Execute / high, with the seed policy's kind of rule", () => {
    const result = classify("start_dicom_import_job", {
      description: "Start a DICOM import job that copies medical images from S3 into a data store.",
    });
    expect(result).toMatchObject({ category: "Execute", level: "high" });
    expect(result.recommended).toEqual({
      lane: "rate_limit",
      rule: {
        validate_input: true,
        limits: [{ counter: "start_dicom_import_job_rate", window: "minute", max: 10, scope: "grant" }],
      },
      why: expect.any(String),
    });
  });

  it.each(["delete_file", "delete_repository", "delete-many", "deleteUser", "kubectl_delete"])(
    "%s is Destructive / critical and needs approval",
    (name) => {
      const result = classify(name);
      expect(result).toMatchObject({ category: "Destructive", level: "critical" });
      expect(result.recommended.rule).toEqual({ action: "require_approval", validate_input: true });
    },
  );

  it.each(["create_charge", "refund_payment", "refund_charge", "transfer_funds", "transfer_to_bank"])(
    "%s is Financial / critical",
    (name) => {
      expect(classify(name)).toMatchObject({ category: "Financial", level: "critical" });
      expect(classify(name).recommended.lane).toBe("require_approval");
    },
  );

  it.each(["get_issue", "get_charge", "get_refund", "list_commits", "list_charges", "listTransfers"])(
    "%s is Read / low and allowed",
    (name) => {
      const result = classify(name);
      expect(result).toMatchObject({ category: "Read", level: "low" });
      expect(result.recommended).toMatchObject({ lane: "allow", rule: {} });
    },
  );
});

describe("classifyTool: signals", () => {
  it("lets the first action word of the name decide", () => {
    expect(classify("get_workflow_run").category).toBe("Read");
    expect(classify("create_or_update_file").category).toBe("Write");
    expect(classify("API-post-search").category).toBe("Read");
    expect(classify("API-post-page").category).toBe("Write");
  });

  it("makes a write that overwrites or replaces existing content Destructive, and not one that merely replaces", () => {
    const overwrite = classifyTool({ name: "write_file", description: "Create a new file or completely overwrite an existing file with new content." });
    expect(overwrite.category).toBe("Destructive");
    expect(overwrite.reasons.join(" ")).toContain('overwrites existing content ("overwrite")');
    expect(classifyTool({ name: "edit_file", description: "Make line-based edits to a text file. Each edit replaces exact line sequences with new content." }).category).toBe("Destructive");
    expect(classifyTool({ name: "update_label", description: "Update a label. Replaces its colour with the one given." }).category).toBe("Write");
  });

  it("raises to Destructive for a destructive word anywhere in the name", () => {
    expect(classify("search_and_delete_files").category).toBe("Destructive");
  });

  it("falls back to the description's most severe action word", () => {
    expect(classify("kubectl_generic", { description: "Execute any kubectl command." }).category).toBe("Execute");
    expect(classify("browser_tabs", { description: "List, create, close, or select a browser tab." }).category).toBe("Write");
    expect(classify("db-stats", { description: "Returns statistics about a database" }).category).toBe("Read");
  });

  it("upgrades on command inputs and on money", () => {
    const schema = (...names: string[]) => ({ type: "object", properties: Object.fromEntries(names.map((n) => [n, {}])) });
    expect(classify("update_job", { inputSchema: schema("shellCommand") }).category).toBe("Execute");
    expect(classify("create_order", { inputSchema: schema("items", "currencyCode") }).category).toBe("Financial");
    expect(classify("list_orders", { inputSchema: schema("min_amount") }).category).toBe("Read");
    expect(classify("send_invoice").category).toBe("Financial");
  });

  it("raises a Read of secrets to medium", () => {
    const result = classify("get-env", { description: "Returns all environment variables" });
    expect(result).toMatchObject({ category: "Read", level: "medium" });
    expect(result.recommended.lane).toBe("rate_limit");
  });

  it("treats a tool with no signal as a Write", () => {
    expect(classify("frobnicate")).toMatchObject({ category: "Write", level: "medium" });
  });

  it("denies irreversible destruction outright", () => {
    const result = classify("drop-database");
    expect(result.recommended).toMatchObject({ lane: "deny", rule: { action: "deny" } });
    expect(result.recommended.rule.on_deny).toContain("`drop-database`");
  });

  it("explains every decision", () => {
    expect(classify("create_refund").reasons).toEqual([
      'name says "create": Write',
      "acts on money (refund): Financial",
    ]);
  });
});

describe("classifyTool: annotations only raise", () => {
  it("ignores a readOnlyHint on a destructive tool", () => {
    const result = classify("delete_entities", { annotations: { readOnlyHint: true, destructiveHint: false } });
    expect(result).toMatchObject({ category: "Destructive", level: "critical" });
    expect(result.reasons).toContain("annotation readOnlyHint ignored: hints may raise the risk, never lower it");
  });

  it("raises the level on destructiveHint and on readOnlyHint false", () => {
    expect(classify("browser_navigate", { annotations: { readOnlyHint: false, destructiveHint: true } }).level).toBe("high");
    expect(classify("search_things", { annotations: { readOnlyHint: false } }).level).toBe("medium");
    expect(classify("frobnicate", { annotations: { destructiveHint: true } }).category).toBe("Destructive");
  });

  it("ignores hints that are not booleans", () => {
    expect(classify("get_thing", { annotations: { destructiveHint: "true" } }).level).toBe("low");
  });

  const words = ["get", "list", "create", "update", "delete", "drop", "run", "start", "charge", "refund", "pay", "file", "job", "post", "search", "thing", "env", "frobnicate"];
  const name = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 4 }).map((parts) => parts.join("_"));
  const hint = fc.option(fc.boolean(), { nil: undefined });
  const annotations = fc.record({ readOnlyHint: hint, destructiveHint: hint, idempotentHint: hint, openWorldHint: hint });
  const description = fc.option(fc.array(fc.constantFrom(...words, "the", "a"), { maxLength: 8 }).map((w) => w.join(" ")), { nil: undefined });

  it("never gives a lower category or level with annotations than without (property)", () => {
    fc.assert(
      fc.property(name, description, annotations, (toolName, text, hints) => {
        const plain = classifyTool({ name: toolName, description: text });
        const hinted = classifyTool({ name: toolName, description: text, annotations: hints });
        expect(SEVERITY[hinted.category]).toBeGreaterThanOrEqual(SEVERITY[plain.category]);
        expect(RISK_LEVELS.indexOf(hinted.level)).toBeGreaterThanOrEqual(RISK_LEVELS.indexOf(plain.level));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("classifyTool: hostile input", () => {
  it("survives malformed definitions and stays deterministic", () => {
    const odd = [
      { name: "x".repeat(1_000_000), description: "delete ".repeat(100_000) },
      { name: "get_thing", description: 42, inputSchema: "nope", annotations: [] },
      { name: "run", inputSchema: { properties: null } },
      { name: "", inputSchema: { properties: { ["a".repeat(10_000)]: {} } } },
    ] as unknown as ToolDefinition[];
    for (const tool of odd) expect(classifyTool(tool)).toEqual(classifyTool(tool));
  });
});
