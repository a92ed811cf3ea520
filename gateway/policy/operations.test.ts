import { describe, expect, it } from "vitest";
import { callOperation, evaluate } from "./evaluate";
import { validatePolicy } from "./validate";
import { compile, CONTEXT } from "./testdata/policies";

// Multiplexed tools (one tool, many operations chosen by an argument): `operations` gives each
// operation, or a pattern of them, its own rule; the tool's own rule covers the rest.
const GLUE = {
  version: "1",
  default: "deny",
  tools: {
    manage_aws_glue_jobs: {
      action: "deny",
      on_deny: "this operation has not been reviewed",
      operations: {
        "get-*": {},
        "list-*": {},
        "delete-*": { action: "require_approval" },
        "start-job-run": { limits: [{ counter: "glue_runs", window: "minute", max: 2, scope: "grant" }] },
        "update-job": { deny_if: [{ path: "args.job_name", op: "regex", value: "^prod-" }] },
      },
    },
    run_command: { operation_argument: "command", operations: { status: {} } },
  },
} as const;

const call = (operation: unknown, extra: Record<string, unknown> = {}) => ({ tool: "manage_aws_glue_jobs", args: { operation, ...extra } });

describe("operations of a multiplexed tool", () => {
  const policy = compile(GLUE);

  it("gives each operation the rule of its exact name or most specific pattern", () => {
    expect(evaluate(policy, call("get-job"), CONTEXT)).toMatchObject({ effect: "allow", rule: "/tools/manage_aws_glue_jobs/operations/get-*" });
    expect(evaluate(policy, call("list-jobs"), CONTEXT)).toMatchObject({ effect: "allow", rule: "/tools/manage_aws_glue_jobs/operations/list-*" });
    expect(evaluate(policy, call("delete-job"), CONTEXT)).toMatchObject({ effect: "require_approval", rule: "/tools/manage_aws_glue_jobs/operations/delete-*/action" });
    const run = evaluate(policy, call("start-job-run"), CONTEXT);
    expect(run.effect).toBe("allow");
    expect(run.limits).toMatchObject([{ counter: "glue_runs", max: 2, rule: "/tools/manage_aws_glue_jobs/operations/start-job-run/limits/0" }]);
  });

  it("applies an operation's conditions to its own calls only", () => {
    expect(evaluate(policy, call("update-job", { job_name: "prod-etl" }), CONTEXT)).toMatchObject({ effect: "deny", rule: "/tools/manage_aws_glue_jobs/operations/update-job/deny_if/0" });
    expect(evaluate(policy, call("update-job", { job_name: "dev-etl" }), CONTEXT).effect).toBe("allow");
  });

  it("leaves unlisted operations, a missing or non-string argument to the tool's own rule", () => {
    for (const c of [call("stop-job-run"), call(undefined), call(42), { tool: "manage_aws_glue_jobs", args: {} }, { tool: "manage_aws_glue_jobs" }]) {
      expect(evaluate(policy, c, CONTEXT)).toMatchObject({ effect: "deny", rule: "/tools/manage_aws_glue_jobs/action", message: "this operation has not been reviewed" });
    }
  });

  it("reads the operation from operation_argument when it is named", () => {
    expect(evaluate(policy, { tool: "run_command", args: { command: "status" } }, CONTEXT)).toMatchObject({ effect: "allow", rule: "/tools/run_command/operations/status" });
    // The tool's own rule (no action: allow) for the other commands.
    expect(evaluate(policy, { tool: "run_command", args: { command: "reboot", operation: "status" } }, CONTEXT)).toMatchObject({ effect: "allow", rule: "/tools/run_command" });
  });
});

describe("the operation of a call, for the audit log", () => {
  const policy = compile(GLUE);
  const multiplexed = { operationArgument: "action" };

  it("reads the argument the tool's rule names", () => {
    expect(callOperation(policy, "manage_aws_glue_jobs", { operation: "delete-job" }, undefined)).toBe("delete-job");
    expect(callOperation(policy, "run_command", { command: "status", operation: "x" }, undefined)).toBe("status");
    // The rule's argument wins over the inventory's.
    expect(callOperation(policy, "run_command", { command: "status", action: "y" }, multiplexed)).toBe("status");
  });

  it("reads the inventory's argument for a multiplexed tool without an operations rule, or without a policy", () => {
    expect(callOperation(policy, "manage_aws_emr_clusters", { action: "terminate" }, multiplexed)).toBe("terminate");
    expect(callOperation(null, "manage_aws_emr_clusters", { action: "terminate" }, multiplexed)).toBe("terminate");
  });

  it("is null for other tools, missing arguments and values that are not strings", () => {
    expect(callOperation(policy, "echo", { operation: "get-job" }, {})).toBeNull();
    expect(callOperation(policy, "echo", { operation: "get-job" }, undefined)).toBeNull();
    expect(callOperation(policy, "manage_aws_glue_jobs", undefined, undefined)).toBeNull();
    expect(callOperation(policy, "manage_aws_glue_jobs", { operation: { name: "get-job" } }, undefined)).toBeNull();
    expect(callOperation(policy, "manage_aws_emr_clusters", { action: 7 }, multiplexed)).toBeNull();
  });
});

describe("validating operations", () => {
  it("accepts the shorthand", () => {
    expect(validatePolicy(GLUE)).toMatchObject({ ok: true });
  });

  it("reports unknown fields, bad patterns and a lone operation_argument by path", () => {
    const result = validatePolicy({
      version: "1",
      default: "deny",
      tools: {
        a: { operations: { "get-*": { acton: "allow" }, "x[": {} } },
        b: { operation_argument: "op" },
        c: { operations: { d: { operations: {} } } },
      },
    });
    expect(result.ok).toBe(false);
    const paths = (result as { errors: { path: string; message: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["/tools/a/operations/get-*/acton", "/tools/b/operation_argument", "/tools/c/operations/d/operations"]));
  });

  it("checks an operation's limits and approval like any rule's", () => {
    const result = validatePolicy({ version: "1", default: "deny", tools: { a: { operations: { x: { approval: { timeout_seconds: 5 } }, y: { limits: [{ counter: "c", window: "minute", max: 1 }] }, z: { limits: [{ counter: "c", window: "hour", max: 1 }] } } } } });
    expect(result.ok).toBe(false);
    const errors = (result as { errors: { path: string; message: string }[] }).errors;
    expect(errors.map((e) => e.path)).toContain("/tools/a/operations/x/approval");
    expect(errors.some((e) => e.path.startsWith("/tools/a/operations/z/limits/0") || e.path.startsWith("/tools/a/operations/y/limits/0"))).toBe(true);
  });
});
