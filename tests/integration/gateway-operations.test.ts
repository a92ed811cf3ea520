import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayEnv, textOf, type GatewayEnv } from "../helpers/gateway-env";
import { startTestUpstream, GLUE_OPERATIONS, type TestUpstream } from "../helpers/test-upstream";
import { syncServerTools } from "../../lib/servers/sync-tools";
import { listTools } from "../../lib/servers/queries";

// Issue 9 through the gateway: one tool, many operations. With a rule per operation,
// `get-job` passes, `delete-job` needs approval, `start-job-run` is rate-limited, an operation
// the policy does not list is denied; tools/list shows the tool as the upstream lists it.

let env: GatewayEnv;
let upstream: TestUpstream;
let orgId: string;
let serverId: string;
let actor: { type: "user"; id: string; label: string };

const POLICY = {
  version: "1",
  default: "deny",
  tools: {
    manage_aws_glue_jobs: {
      action: "deny",
      on_deny: "this operation has not been reviewed",
      operations: {
        "get-*": {},
        "delete-*": { action: "require_approval" },
        "start-job-run": { limits: [{ counter: "glue_runs", window: "minute", max: 2, scope: "grant" }] },
      },
    },
  },
};

beforeAll(async () => {
  upstream = await startTestUpstream({ multiplexed: true });
  env = await startGatewayEnv();
  ({ orgId, actor } = await env.newOrg());
  serverId = await env.addServer(orgId, upstream.url);
  await env.publish(orgId, POLICY, { serverId });
});
afterAll(async () => {
  await env?.stop();
  await upstream?.close();
});

async function auditedOperations(grantId: string) {
  const events = await env.db.auditEvent.findMany({ where: { grantId }, orderBy: [{ time: "asc" }, { id: "asc" }], select: { tool: true, operation: true, decision: true } });
  return events.map((e) => [e.tool, e.operation, e.decision]);
}

const glue = (operation: string) => ({ name: "manage_aws_glue_jobs", arguments: { operation, job_name: "nightly-etl" } });

describe("a multiplexed tool behind per-operation rules", () => {
  it("allows get-job, asks approval for delete-job, rate-limits start-job-run, denies an unlisted operation", async () => {
    const { id: grantId, token } = await env.grant(orgId, serverId);
    const client = await env.connect("fast", serverId, token);

    expect(textOf(await client.callTool(glue("get-job")))).toBe("get-job done");
    expect(textOf(await client.callTool(glue("get-jobs")))).toBe("get-jobs done");

    const del = await client.callTool(glue("delete-job"));
    expect(textOf(del)).toMatch(/^\[APPROVAL REQUIRED\] .*rule \/tools\/manage_aws_glue_jobs\/operations\/delete-\*\/action/);

    expect(textOf(await client.callTool(glue("start-job-run")))).toBe("start-job-run done");
    expect(textOf(await client.callTool(glue("start-job-run")))).toBe("start-job-run done");
    const third = await client.callTool(glue("start-job-run"));
    expect(third.isError).toBe(true);
    expect(textOf(third)).toMatch(/rate limit `glue_runs` reached.*\(rule \/tools\/manage_aws_glue_jobs\/operations\/start-job-run\/limits\/0\)/);

    const unlisted = await client.callTool(glue("stop-job-run"));
    expect(textOf(unlisted)).toBe("[POLICY DENIED] this operation has not been reviewed (rule /tools/manage_aws_glue_jobs/action)");

    expect(upstream.calls.map((c) => c.args.operation)).toEqual(["get-job", "get-jobs", "start-job-run", "start-job-run"]);

    // The audit log names each call's operation next to the tool.
    await expect.poll(() => auditedOperations(grantId), { timeout: 10_000 }).toEqual([
      ["manage_aws_glue_jobs", "get-job", "allow"],
      ["manage_aws_glue_jobs", "get-jobs", "allow"],
      ["manage_aws_glue_jobs", "delete-job", "require_approval"],
      ["manage_aws_glue_jobs", "start-job-run", "allow"],
      ["manage_aws_glue_jobs", "start-job-run", "allow"],
      ["manage_aws_glue_jobs", "start-job-run", "rate_limited"],
      ["manage_aws_glue_jobs", "stop-job-run", "deny"],
    ]);
  });

  it("audits the operation of a multiplexed tool the inventory knows, without an operations rule; other tools have none", async () => {
    const own = await env.addServer(orgId, upstream.url);
    await syncServerTools(env.db, actor, orgId, own);
    await env.publish(orgId, { version: "1", default: "deny", tools: { manage_aws_glue_jobs: {}, echo: {} } }, { serverId: own });
    const { id: grantId, token } = await env.grant(orgId, own);
    const client = await env.connect("fast", own, token);
    expect(textOf(await client.callTool(glue("get-job")))).toBe("get-job done");
    expect(textOf(await client.callTool(glue("delete-job")))).toBe("delete-job done");
    // An agent sends what it likes: a huge operation is kept as a bounded prefix with a digest.
    await client.callTool({ name: "manage_aws_glue_jobs", arguments: { operation: "x".repeat(100_000) } });
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "hi", operation: "get-job" } }))).toBe("hi");
    await expect.poll(async () => (await auditedOperations(grantId)).length, { timeout: 10_000 }).toBe(4);
    const [get, del, huge, echo] = await auditedOperations(grantId);
    expect(get).toEqual(["manage_aws_glue_jobs", "get-job", "allow"]);
    expect(del).toEqual(["manage_aws_glue_jobs", "delete-job", "allow"]);
    expect(huge[1]!.length).toBeLessThanOrEqual(256);
    expect(huge[1]).toMatch(/^x+…\[100000 chars, sha256:[\w-]{16}\]$/);
    expect(echo).toEqual(["echo", null, "allow"]);
  });

  it("lists the tool as the upstream does", async () => {
    const { token } = await env.grant(orgId, serverId);
    const client = await env.connect("fast", serverId, token);
    const listed = (await client.listTools()).tools.find((t) => t.name === "manage_aws_glue_jobs");
    expect(listed?.inputSchema.properties?.operation).toMatchObject({ type: "string", enum: [...GLUE_OPERATIONS] });
  });

  it("the inventory rates each operation, and the recommended rule works at the gateway as rated", async () => {
    await syncServerTools(env.db, actor, orgId, serverId);
    const { items } = await listTools(env.db, orgId, serverId, { limit: 1000 });
    const tool = items.find((t) => t.name === "manage_aws_glue_jobs")!;
    expect(tool.risk.category).toBe("Destructive");
    expect(tool.operations).toMatchObject({ argument: "operation", source: "enum" });
    expect(tool.operations!.items.find((i) => i.name === "get-job")).toMatchObject({ category: "Read" });
    expect(tool.operations!.items.find((i) => i.name === "delete-job")).toMatchObject({ category: "Destructive" });
    expect(tool.operations!.items.find((i) => i.name === "start-job-run")).toMatchObject({ category: "Execute" });
    const rule = tool.recommended.rule as { action: string; operations: Record<string, unknown> };
    expect(rule.action).toBe("deny");
    expect(Object.keys(rule.operations).sort()).toEqual([...GLUE_OPERATIONS].sort());

    const own = await env.addServer(orgId, upstream.url);
    await syncServerTools(env.db, actor, orgId, own); // validate_input needs the tool's schema in the inventory
    await env.publish(orgId, { version: "1", default: "deny", tools: { manage_aws_glue_jobs: rule } }, { serverId: own });
    const { token } = await env.grant(orgId, own);
    const client = await env.connect("fast", own, token);
    expect(textOf(await client.callTool(glue("get-job")))).toBe("get-job done");
    expect(textOf(await client.callTool(glue("delete-job")))).toContain("[APPROVAL REQUIRED]");
    expect(textOf(await client.callTool({ name: "manage_aws_glue_jobs", arguments: { operation: "frobnicate-job" } }))).toContain("[POLICY DENIED]");
  });
});
