import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyTool } from "./classify-tool";
import { detectOperations } from "./operations";
import type { RiskCategory, ToolDefinition } from "./types";
import { validatePolicy } from "../policy";

const corpus = JSON.parse(readFileSync(path.join(import.meta.dirname, "corpus-operations/multiplexed.json"), "utf8")) as {
  tools: { tool: ToolDefinition; expected: Record<string, RiskCategory> }[];
};

describe("detecting the operation argument", () => {
  it("finds an enum on operation/action/command/method/op, preferring `operation`", () => {
    const tool = { name: "t", inputSchema: { properties: { action: { type: "string", enum: ["a-x", "b-y"] }, operation: { type: "string", enum: ["get-x", "delete-x"] } } } };
    expect(detectOperations(tool)).toEqual({ argument: "operation", values: ["get-x", "delete-x"], source: "enum" });
    expect(detectOperations({ name: "t", inputSchema: { properties: { Operation_Type: { oneOf: [{ const: "list" }, { const: "drop" }] } } } })).toMatchObject({ argument: "Operation_Type", values: ["list", "drop"] });
  });

  it("reads a list from the description when there is no enum", () => {
    const tool = { name: "t", inputSchema: { properties: { operation: { type: "string", description: "Operation to perform: create-job, delete-job, get-job or list-jobs." } } } };
    expect(detectOperations(tool)).toEqual({ argument: "operation", values: ["create-job", "delete-job", "get-job", "list-jobs"], source: "description" });
  });

  it("ignores other arguments, non-string ones, single values and prose", () => {
    expect(detectOperations({ name: "t", inputSchema: { properties: { mode: { type: "string", enum: ["fast", "slow"] } } } })).toBeNull();
    expect(detectOperations({ name: "t", inputSchema: { properties: { operation: { type: "number", enum: [1, 2] } } } })).toBeNull();
    expect(detectOperations({ name: "t", inputSchema: { properties: { operation: { type: "string", enum: ["get"] } } } })).toBeNull();
    expect(detectOperations({ name: "t", inputSchema: { properties: { action: { type: "string", description: "What to do with the file, for example read it." } } } })).toBeNull();
    expect(detectOperations({ name: "t" })).toBeNull();
  });
});

describe("rating each operation (corpus of real multiplexed tools)", () => {
  let right = 0;
  let total = 0;
  const misses: string[] = [];
  for (const { tool, expected } of corpus.tools) {
    const rated = classifyTool(tool);
    for (const [op, category] of Object.entries(expected)) {
      total++;
      const got = rated.operations?.items.find((i) => i.name === op)?.category;
      if (got === category) right++;
      else misses.push(`${tool.name} ${op}: expected ${category}, got ${got}`);
    }
  }

  it("rates at least 90% of the operations as labelled", () => {
    console.log(`multiplexed operations: ${right}/${total} = ${((100 * right) / total).toFixed(1)}%${misses.length ? `; misses: ${misses.join("; ")}` : ""}`);
    expect(right / total).toBeGreaterThanOrEqual(0.9);
  });

  it("rates the tool as its riskiest operation and says so", () => {
    const glue = classifyTool(corpus.tools[0].tool);
    expect(glue.category).toBe("Destructive");
    expect(glue.reasons[0]).toMatch(/^selects one of 12 operations by `operation` \(its enum\); the riskiest, `(delete-job|reset-job-bookmark)`, is Destructive$/);
    expect(glue.operations?.items.find((i) => i.name === "get-job")).toMatchObject({ category: "Read", level: "low" });
  });

  it("recommends a valid rule per operation, denying unrated ones", () => {
    for (const { tool } of corpus.tools) {
      const { rule } = classifyTool(tool).recommended;
      const document = { version: "1", default: "deny", tools: { [tool.name]: rule } };
      expect(validatePolicy(document), tool.name).toMatchObject({ ok: true });
      expect(rule.action).toBe("deny");
      expect(Object.keys(rule.operations ?? {}).length).toBeGreaterThan(1);
    }
    const glue = classifyTool(corpus.tools[0].tool).recommended.rule;
    expect(glue.operations?.["get-job"]).toEqual({});
    expect(glue.operations?.["delete-job"]).toMatchObject({ action: "require_approval" });
    expect(glue.operations?.["start-job-run"]).toMatchObject({ limits: [{ max: 10 }] });
    expect(classifyTool(corpus.tools.find((t) => t.tool.name === "git")!.tool).recommended.rule.operation_argument).toBe("command");
  });
});
