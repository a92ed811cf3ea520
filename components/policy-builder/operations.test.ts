import { describe, expect, it } from "vitest";
import { compilePolicy, evaluate, validatePolicy, type PolicyDocument } from "@/gateway/policy";
import { fromDocument, laneView, moveTools, toDocument, type BuilderModel, type InventoryEntry } from "./model";
import { laneChanges, moveOperation, operationCards, operationGroup, withOperations, isOperationCard, effectiveToolRule, setOperationRule, type OperationsInfo } from "./operations";

// The builder's cards for the operations of a multiplexed tool: what they show, and what dropping
// one on a lane writes under `tools.<tool>.operations`.
const GLUE_OPS = ["create-job", "delete-job", "get-job", "get-jobs", "update-job", "start-job-run", "stop-job-run", "get-job-run"];
const RATING: Record<string, [OperationsInfo["items"][number]["category"], OperationsInfo["items"][number]["level"]]> = {
  "create-job": ["Write", "medium"],
  "delete-job": ["Destructive", "critical"],
  "get-job": ["Read", "low"],
  "get-jobs": ["Read", "low"],
  "update-job": ["Write", "medium"],
  "start-job-run": ["Execute", "high"],
  "stop-job-run": ["Execute", "medium"],
  "get-job-run": ["Read", "low"],
};
const GLUE: OperationsInfo = { argument: "operation", items: GLUE_OPS.map((name) => ({ name, category: RATING[name][0], level: RATING[name][1] })) };
const INVENTORY: InventoryEntry[] = [
  { name: "echo", risk: { category: "Read", level: "low" } },
  { name: "manage_aws_glue_jobs", risk: { category: "Destructive", level: "critical" }, operations: GLUE },
  { name: "run_command", risk: { category: "Execute", level: "high" }, operations: { argument: "command", items: [{ name: "status", category: "Read", level: "low" }, { name: "restart", category: "Execute", level: "high" }] } },
];
const TOOL = "manage_aws_glue_jobs";

const model = (doc: PolicyDocument) => fromDocument(doc);
const cardsOf = (m: BuilderModel, mode: "each" | "groups", tool = TOOL) => {
  const card = laneView(m, INVENTORY).cards.get(tool)!;
  return operationCards(card, effectiveToolRule(m, card), card.operations, mode);
};
const decide = (doc: PolicyDocument, operation: string) => {
  const checked = validatePolicy(doc);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return evaluate(compilePolicy(checked.policy), { tool: TOOL, args: { operation } }).effect;
};

describe("operationGroup", () => {
  it("groups operations by their first word", () => {
    expect(GLUE_OPS.map(operationGroup)).toEqual(["create-*", "delete-*", "get-*", "get-*", "update-*", "start-*", "stop-*", "get-*"]);
    expect(operationGroup("list_tables")).toBe("list_*");
    expect(operationGroup("startJobRun")).toBe("start*");
    expect(operationGroup("status")).toBe("status");
  });
});

describe("operationCards", () => {
  const doc: PolicyDocument = {
    version: "1",
    default: "deny",
    tools: { [TOOL]: { action: "deny", operations: { "get-*": {}, "get-job-run": { action: "require_approval" }, "*-job-run": { limits: [{ counter: "runs", window: "hour", max: 5 }] } } } },
  };

  it("draws each operation in the lane of its own rule, else the most specific pattern, else the tool's", () => {
    const lanes = Object.fromEntries(cardsOf(model(doc), "each").map((c) => [c.key, [c.lane, c.source, c.via]]));
    expect(lanes["get-job"]).toEqual(["allow", "pattern", "get-*"]);
    expect(lanes["get-job-run"]).toEqual(["require_approval", "rule", undefined]);
    // `start-` is a longer literal prefix than none: `*-job-run` is the only match.
    expect(lanes["start-job-run"]).toEqual(["rate_limit", "pattern", "*-job-run"]);
    expect(lanes["delete-job"]).toEqual(["deny", "tool", undefined]);
    // The rule's own keys are cards too, after the inventory's operations.
    expect(Object.keys(lanes)).toEqual([...GLUE_OPS, "get-*", "*-job-run"]);
  });

  it("draws one card per group, with the operations it covers and their highest risk", () => {
    const groups = cardsOf(model(doc), "groups");
    expect(groups.map((c) => c.key)).toEqual(["create-*", "delete-*", "get-*", "update-*", "start-*", "stop-*", "get-job-run", "*-job-run"]);
    const get = groups.find((c) => c.key === "get-*")!;
    expect(get).toMatchObject({ lane: "allow", source: "rule", members: ["get-job", "get-jobs", "get-job-run"], risk: { category: "Read", level: "low" } });
    expect(groups.find((c) => c.key === "delete-*")).toMatchObject({ lane: "deny", source: "tool", members: ["delete-job"], risk: { category: "Destructive", level: "critical" } });
  });

  it("places operation cards among a lane's tools where their tool stands", () => {
    const m = model({ version: "1", default: "allow" });
    const view = laneView(m, INVENTORY);
    const { rows } = withOperations(m, view, new Map([[TOOL, "groups"]]));
    expect(rows.allow.map((r) => (isOperationCard(r) ? r.key : r.name))).toEqual(["echo", TOOL, "create-*", "delete-*", "get-*", "update-*", "start-*", "stop-*", "run_command"]);
    expect(withOperations(m, view, new Map()).rows).toBe(view.byLane);
  });
});

describe("moveOperation", () => {
  const start: PolicyDocument = { version: "1", default: "deny", tools: { echo: {}, [TOOL]: { on_deny: "not reviewed", action: "deny" } } };

  it("writes the lane's rule under the tool's operations; unlisted operations keep the tool's rule", () => {
    let m = model(start);
    m = moveOperation(m, INVENTORY, TOOL, "delete-*", "require_approval");
    m = moveOperation(m, INVENTORY, TOOL, "get-*", "allow");
    m = moveOperation(m, INVENTORY, TOOL, "start-job-run", "rate_limit");
    const doc = toDocument(m);
    expect(doc.tools![TOOL]).toEqual({
      on_deny: "not reviewed",
      action: "deny",
      operations: {
        "delete-*": { action: "require_approval", approval: { timeout_seconds: 3600, mode: "retry" } },
        "get-*": {},
        "start-job-run": { limits: [{ counter: `${TOOL}_start-job-run_rate`, window: "minute", max: 10, scope: "grant" }] },
      },
    });
    expect(decide(doc, "delete-job")).toBe("require_approval");
    expect(decide(doc, "get-job")).toBe("allow");
    expect(decide(doc, "start-job-run")).toBe("allow");
    expect(decide(doc, "stop-job-run")).toBe("deny");
    // Nothing else moved: echo's rule and the key order are as they were.
    expect(Object.keys(doc.tools!)).toEqual(["echo", TOOL]);
  });

  it("keeps a moved operation's conditions, and leaves an operation already in the lane alone", () => {
    const withCondition: PolicyDocument = { version: "1", default: "deny", tools: { [TOOL]: { action: "deny", operations: { "update-job": { deny_if: [{ path: "args.job_name", op: "regex", value: "^prod-" }] } } } } };
    const m = moveOperation(model(withCondition), INVENTORY, TOOL, "update-job", "require_approval");
    expect(toDocument(m).tools![TOOL].operations!["update-job"]).toMatchObject({ action: "require_approval", deny_if: [{ path: "args.job_name" }] });
    expect(moveOperation(m, INVENTORY, TOOL, "update-job", "require_approval")).toBe(m);
    // In the tool's own lane by inheritance: nothing to write.
    expect(moveOperation(m, INVENTORY, TOOL, "stop-job-run", "deny")).toBe(m);
  });

  it("refuses Hide: hiding is for whole tools", () => {
    const m = model(start);
    expect(moveOperation(m, INVENTORY, TOOL, "delete-*", "hide")).toBe(m);
  });

  it("gives a tool without a rule one that keeps it where it was", () => {
    const byDefault = moveOperation(model({ version: "1", default: "deny" }), INVENTORY, TOOL, "get-*", "allow");
    expect(toDocument(byDefault).tools![TOOL]).toEqual({ action: "deny", operations: { "get-*": {} } });
    const allowed = moveOperation(model({ version: "1", default: "allow" }), INVENTORY, TOOL, "delete-*", "deny");
    expect(toDocument(allowed).tools![TOOL]).toEqual({ operations: { "delete-*": { action: "deny" } } });
    // Placed by a pattern: the exact rule starts as a copy of it, so the pattern's operations still hold.
    const pattern = model({ version: "1", default: "deny", tools: { "manage_*": { action: "require_approval", operations: { "get-*": {} } } } });
    const copied = toDocument(moveOperation(pattern, INVENTORY, TOOL, "delete-*", "deny")).tools!;
    expect(copied[TOOL]).toEqual({ action: "require_approval", operations: { "get-*": {}, "delete-*": { action: "deny" } } });
    expect(copied["manage_*"]).toEqual({ action: "require_approval", operations: { "get-*": {} } });
  });

  it("names the selecting argument when it is not `operation`", () => {
    const m = moveOperation(model({ version: "1", default: "allow" }), INVENTORY, "run_command", "restart", "require_approval");
    const rule = toDocument(m).tools!.run_command;
    expect(Object.keys(rule)).toEqual(["operation_argument", "operations"]);
    expect(rule.operation_argument).toBe("command");
    expect(validatePolicy(toDocument(m)).ok).toBe(true);
  });

  it("removes `operations` (and its argument) with the last operation rule", () => {
    const m = moveOperation(model({ version: "1", default: "allow" }), INVENTORY, "run_command", "restart", "deny");
    const card = laneView(m, INVENTORY).cards.get("run_command")!;
    expect(toDocument(setOperationRule(m, card, "restart", null)).tools!.run_command).toEqual({});
  });

  it("moving the tool keeps its operation rules", () => {
    let m = moveOperation(model(start), INVENTORY, TOOL, "delete-*", "require_approval");
    m = moveTools(m, [TOOL], "allow");
    expect(toDocument(m).tools![TOOL]).toEqual({ on_deny: "not reviewed", operations: { "delete-*": { action: "require_approval", approval: { timeout_seconds: 3600, mode: "retry" } } } });
  });
});

describe("laneChanges", () => {
  it("lists the tools and the operations that changed lane between two versions", () => {
    const before: PolicyDocument = { version: "1", default: "deny", tools: { echo: {}, [TOOL]: {} } };
    const after = toDocument(moveOperation(moveTools(model(before), ["echo"], "deny"), INVENTORY, TOOL, "delete-*", "require_approval"));
    expect(laneChanges(before, after, INVENTORY)).toEqual([
      { name: "echo", from: "allow", to: "deny" },
      { name: `delete-job of ${TOOL}`, from: "allow", to: "require_approval" },
    ]);
    // A tool moved whole: its row, not one per operation.
    const denied = toDocument(moveTools(model(before), [TOOL], "deny"));
    expect(laneChanges(before, denied, INVENTORY)).toEqual([{ name: TOOL, from: "allow", to: "deny" }]);
  });
});
