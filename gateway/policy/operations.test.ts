import { describe, expect, it } from "vitest";
import { callOperation, evaluate } from "./evaluate";
import type { KnownTools } from "./operation-names";
import { validatePolicy, validatePolicyText } from "./validate";
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

describe("operation names checked against the tool's declared enum", () => {
  const GLUE_OPS = ["create-job", "delete-job", "get-job", "get-jobs", "list-jobs", "update-job", "start-job-run", "stop-job-run"];
  const tools: KnownTools = new Map<string, { inputSchema?: Record<string, unknown> }>([
    ["manage_aws_glue_jobs", { inputSchema: { type: "object", properties: { operation: { type: "string", enum: GLUE_OPS }, job_name: { type: "string" } } } }],
    ["manage_aws_glue_crawlers", { inputSchema: { type: "object", properties: { operation: { oneOf: [{ const: "get-crawler" }, { const: "delete-crawler" }] } } } }],
    ["run_command", { inputSchema: { type: "object", properties: { command: { type: "string" } } } }],
    ["docker", { inputSchema: { type: "object", properties: { action: { type: "string", enum: ["ps", "rm"] } } } }],
    ["unsynced", {}],
  ]);
  const policy = (rules: Record<string, unknown>) => ({ version: "1", default: "deny", tools: rules });
  const errors = (document: unknown, context = { tools }) => {
    const result = validatePolicy(document, context);
    return result.ok ? [] : result.errors;
  };

  it("accepts names and patterns the enum has", () => {
    expect(errors(GLUE)).toEqual([]);
    expect(errors(policy({ manage_aws_glue_jobs: { operations: { "get-job": {}, "delete-*": {}, "*-job-run": {} } }, manage_aws_glue_crawlers: { operations: { "get-crawler": {} } } }))).toEqual([]);
  });

  it("reports a name the enum lacks at its path, listing the operations, with a near miss suggested", () => {
    const [error, ...rest] = errors(policy({ manage_aws_glue_jobs: { operations: { "delet-job": { action: "require_approval" }, "get-job": {} } } }));
    expect(rest).toEqual([]);
    expect(error.path).toBe("/tools/manage_aws_glue_jobs/operations/delet-job");
    expect(error.message).toBe(
      "unknown operation `delet-job` of `manage_aws_glue_jobs`, did you mean `delete-job`? `operation` is one of `create-job`, `delete-job`, `get-job`, `get-jobs`, `list-jobs`, `update-job`, `start-job-run`, `stop-job-run`",
    );
    expect(errors(policy({ manage_aws_glue_jobs: { operations: { "frobnicate": {} } } }))[0].message).toMatch(/^unknown operation `frobnicate` of `manage_aws_glue_jobs`: `operation` is one of/);
    // oneOf consts count as an enum.
    expect(errors(policy({ manage_aws_glue_crawlers: { operations: { "get-job": {} } } })).map((e) => e.path)).toEqual(["/tools/manage_aws_glue_crawlers/operations/get-job"]);
  });

  it("reports a pattern that matches no operation (there are no warnings, so it is an error)", () => {
    expect(errors(policy({ manage_aws_glue_jobs: { operations: { "remove-*": {}, "get-*": {} } } }))).toEqual([
      { path: "/tools/manage_aws_glue_jobs/operations/remove-*", message: expect.stringMatching(/^pattern `remove-\*` matches no operation of `manage_aws_glue_jobs`: `operation` is one of `create-job`/) },
    ]);
  });

  it("reads the enum of the argument the rule names, and escapes the pointer", () => {
    expect(errors(policy({ docker: { operation_argument: "action", operations: { ps: {}, rmi: {} } } })).map((e) => e.path)).toEqual(["/tools/docker/operations/rmi"]);
    // `operation` is not an argument of docker: nothing is known to check against.
    expect(errors(policy({ docker: { operations: { rmi: {} } } }))).toEqual([]);
    const slashed: KnownTools = new Map([["a/b", { inputSchema: { properties: { operation: { enum: ["x", "y"] } } } }]]);
    expect(errors(policy({ "a/b": { operations: { "z~": {} } } }), { tools: slashed }).map((e) => e.path)).toEqual(["/tools/a~1b/operations/z~0"]);
  });

  it("checks a tool pattern against the union of the operations of the tools it matches", () => {
    expect(errors(policy({ "manage_aws_glue_*": { operations: { "get-crawler": {}, "get-job": {} } } }))).toEqual([]);
    expect(errors(policy({ "manage_aws_glue_*": { operations: { "get-table": {} } } })).map((e) => e.path)).toEqual(["/tools/manage_aws_glue_*/operations/get-table"]);
    // A matched tool whose operations are unknown leaves the pattern unchecked; so does one matching nothing.
    expect(errors(policy({ "*": { operations: { "get-table": {} } } }))).toEqual([]);
    expect(errors(policy({ "nothing_*": { operations: { "get-table": {} } } }))).toEqual([]);
  });

  it("checks nothing without an enum, a schema, an inventory entry or a server", () => {
    const unknown = policy({ run_command: { operation_argument: "command", operations: { reboot: {} } }, unsynced: { operations: { x: {} } }, never_synced: { operations: { y: {} } } });
    expect(errors(unknown)).toEqual([]);
    expect(validatePolicy(policy({ manage_aws_glue_jobs: { operations: { "delet-job": {} } } })).ok).toBe(true);
  });

  it("locates the error in policy text", () => {
    const text = JSON.stringify(policy({ manage_aws_glue_jobs: { operations: { "get-job": {}, "delet-job": {} } } }), null, 2);
    const result = validatePolicyText(text, { tools });
    expect(result.ok).toBe(false);
    const [error] = (result as { errors: { path: string; line?: number }[] }).errors;
    expect(error).toMatchObject({ path: "/tools/manage_aws_glue_jobs/operations/delet-job", line: text.split("\n").findIndex((l) => l.includes('"delet-job"')) + 1 });
  });
});
