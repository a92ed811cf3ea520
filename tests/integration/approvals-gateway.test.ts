import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { startGatewayEnv, textOf, type GatewayEnv } from "../helpers/gateway-env";
import { startEverything, type McpPeer } from "../helpers/mcp-peers";
import { decideApproval, type Decider } from "../../lib/approvals/decide";
import { PrismaApprovalStore } from "../../lib/gateway-store/approval-store";

// Issue 7: require_approval through the gateway, with the SDK client and server-everything.
// Retry mode: the first call is told to wait for a human (with the approval id); once approved,
// the same call passes once; other arguments, another grant or a changed rule need their own.

let env: GatewayEnv;
let peer: McpPeer;
let orgId: string;
let approver: Decider;
let serverId: string;

const POLICY = {
  version: "1",
  default: "allow",
  tools: {
    echo: { action: "require_approval", approval: { timeout_seconds: 600 } },
    "get-sum": { action: "require_approval", approval: { timeout_seconds: 1 } },
  },
};

beforeAll(async () => {
  peer = await startEverything("streamableHttp");
  env = await startGatewayEnv({ entries: ["fast", "next"] });
  const org = await env.newOrg();
  orgId = org.orgId;
  approver = { actor: org.actor, role: "admin", email: org.actor.label };
  serverId = await env.addServer(orgId, peer.url);
  await env.publish(orgId, POLICY, { serverId });
});
afterAll(async () => {
  await env?.stop();
  await peer?.close();
});

const approvalIdOf = (result: unknown) => /approval id (apr_[0-9a-f]+)/.exec(textOf(result))?.[1];

async function agent(entry: "fast" | "next" = "fast") {
  const { id, token } = await env.grant(orgId, serverId);
  return { grantId: id, client: await env.connect(entry, serverId, token) };
}

describe.each(["fast", "next"] as const)("retry mode (%s entry point)", (entry) => {
  it("asks for approval, passes once after it is given, then asks again", async () => {
    const { client, grantId } = await agent(entry);
    const call = { name: "echo", arguments: { message: `pay invoice 42 via ${entry}` } };

    const first = await client.callTool(call);
    expect(first.isError).toBe(true);
    expect(textOf(first)).toMatch(/^\[APPROVAL REQUIRED\] A human must approve this call to `echo` before it runs \(approval id apr_[0-9a-f]+, rule \/tools\/echo\/action\)\. Tell your user .* make the same call again with exactly the same arguments/);
    const id = approvalIdOf(first)!;
    // The same call again while pending: the same request, not a new one (no flood).
    expect(approvalIdOf(await client.callTool(call))).toBe(id);
    expect(await env.db.approval.count({ where: { grantId } })).toBe(1);

    const row = await env.db.approval.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ orgId, serverId, grantId, tool: "echo", status: "pending", rulePointer: "/tools/echo/action", args: call.arguments });
    expect(row.expiresAt.getTime() - row.requestedAt.getTime()).toBe(600_000);

    await decideApproval(env.db, approver, orgId, id, "approved", "ok for this invoice");
    const passed = await client.callTool(call);
    expect(passed.isError).toBeFalsy();
    expect(textOf(passed)).toContain(`pay invoice 42 via ${entry}`);
    expect((await env.db.approval.findUniqueOrThrow({ where: { id } })).status).toBe("used");

    // Single use: the next identical call needs a new approval.
    const again = await client.callTool(call);
    expect(textOf(again)).toContain("[APPROVAL REQUIRED]");
    expect(approvalIdOf(again)).not.toBe(id);

    // The audit trail: asked (require_approval), ran on the approval (allow), asked again; each linked to its request.
    await expect.poll(() => env.db.auditEvent.count({ where: { grantId } }), { timeout: 10_000 }).toBe(4);
    const events = await env.db.auditEvent.findMany({ where: { grantId }, orderBy: { time: "asc" } });
    expect(events.map((e) => [e.decision, e.approvalId])).toEqual([
      ["require_approval", id],
      ["require_approval", id],
      ["allow", id],
      ["require_approval", approvalIdOf(again)],
    ]);
  });
});

describe("what an approval is bound to", () => {
  it("other arguments need their own approval; the approved ones pass", async () => {
    const { client } = await agent();
    const a = approvalIdOf(await client.callTool({ name: "echo", arguments: { message: "a" } }))!;
    await decideApproval(env.db, approver, orgId, a, "approved", null);
    const b = await client.callTool({ name: "echo", arguments: { message: "b" } });
    expect(textOf(b)).toContain("[APPROVAL REQUIRED]");
    expect(approvalIdOf(b)).not.toBe(a);
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "a" } }))).toContain("a");
  });

  it("another grant cannot use it", async () => {
    const x = await agent();
    const y = await agent();
    const call = { name: "echo", arguments: { message: "shared words" } };
    const id = approvalIdOf(await x.client.callTool(call))!;
    await decideApproval(env.db, approver, orgId, id, "approved", null);
    const fromY = await y.client.callTool(call);
    expect(textOf(fromY)).toContain("[APPROVAL REQUIRED]");
    expect(approvalIdOf(fromY)).not.toBe(id);
    expect(textOf(await x.client.callTool(call))).toContain("shared words");
  });

  it("a new policy version keeps it when the rule is unchanged, and not when the rule changed", async () => {
    const own = await env.addServer(orgId, peer.url);
    const policy = { version: "1", default: "allow", tools: { echo: { action: "require_approval" } } };
    await env.publish(orgId, policy, { serverId: own });
    const { token } = await env.grant(orgId, own);
    const client = await env.connect("fast", own, token);
    const call = { name: "echo", arguments: { message: "versioned" } };

    const first = approvalIdOf(await client.callTool(call))!;
    await decideApproval(env.db, approver, orgId, first, "approved", null);
    // Another rule changes; echo's does not: the approval still applies.
    await env.publish(orgId, { ...policy, tools: { ...policy.tools, "get-env": { action: "deny" } } }, { serverId: own });
    await expect.poll(async () => textOf(await client.callTool({ name: "get-env", arguments: {} })), { timeout: 10_000 }).toContain("[POLICY DENIED]");
    expect(textOf(await client.callTool(call))).toContain("versioned");

    const second = approvalIdOf(await client.callTool(call))!;
    await decideApproval(env.db, approver, orgId, second, "approved", null);
    // echo's rule changes (its timeout): the approval given under the old rule is not used.
    await env.publish(orgId, { ...policy, tools: { echo: { action: "require_approval", approval: { timeout_seconds: 120 } } } }, { serverId: own });
    await expect.poll(async () => textOf(await client.callTool({ name: "get-env", arguments: {} })), { timeout: 10_000 }).not.toContain("[POLICY DENIED]");
    const after = await client.callTool(call);
    expect(textOf(after)).toContain("[APPROVAL REQUIRED]");
    expect(approvalIdOf(after)).not.toBe(second);
    expect((await env.db.approval.findUniqueOrThrow({ where: { id: second } })).status).toBe("approved");
  });
});

describe("denial, expiry and races", () => {
  it("a denial reaches the agent with the approver's reason", async () => {
    const { client } = await agent();
    const call = { name: "echo", arguments: { message: "wire $1M" } };
    const id = approvalIdOf(await client.callTool(call))!;
    await decideApproval(env.db, approver, orgId, id, "denied", "not without a ticket");
    const denied = await client.callTool(call);
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(new RegExp(`^\\[POLICY DENIED\\] a human denied this call \\(approval ${id}\\): not without a ticket\\. Do not retry it unchanged before .* \\(rule /tools/echo/action\\)$`));
  });

  it("an expired request is closed, and the next call says so and opens a new one", async () => {
    const { client } = await agent();
    const call = { name: "get-sum", arguments: { a: 1, b: 2 } };
    const first = approvalIdOf(await client.callTool(call))!;
    await new Promise((r) => setTimeout(r, 1500));
    // Deciding after expiry is refused.
    await expect(decideApproval(env.db, approver, orgId, first, "approved", null)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/expired/) });
    const next = await client.callTool(call);
    expect(textOf(next)).toMatch(new RegExp(`^\\[APPROVAL REQUIRED\\] The earlier request ${first} for this same call expired without a decision; this is a new one\\.`));
    expect(approvalIdOf(next)).not.toBe(first);
    expect((await env.db.approval.findUniqueOrThrow({ where: { id: first } })).status).toBe("expired");
    // The sweeper closes requests nobody called again.
    const store = new PrismaApprovalStore(env.db);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await store.expire()).toBeGreaterThanOrEqual(1);
    expect((await env.db.approval.findUniqueOrThrow({ where: { id: approvalIdOf(next)! } })).status).toBe("expired");
  });

  it("two approvers deciding at once: exactly one decision stands, the other is told", async () => {
    const { client } = await agent();
    const id = approvalIdOf(await client.callTool({ name: "echo", arguments: { message: "race" } }))!;
    const outcomes = await Promise.allSettled([
      decideApproval(env.db, approver, orgId, id, "approved", "yes"),
      decideApproval(env.db, approver, orgId, id, "denied", "no"),
      decideApproval(env.db, approver, orgId, id, "approved", "also yes"),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === "rejected")) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: "conflict", message: expect.stringMatching(/already decided/) });
    const logged = await env.db.adminAuditLog.findMany({ where: { targetId: id } });
    expect(logged).toHaveLength(1);
    expect(logged[0].action).toMatch(/^approval\.(approved|denied)$/);
  });

  it("concurrent identical calls share one request", async () => {
    const { client, grantId } = await agent();
    const call = { name: "echo", arguments: { message: "burst" } };
    const results = await Promise.all(Array.from({ length: 8 }, () => client.callTool(call)));
    expect(new Set(results.map(approvalIdOf)).size).toBe(1);
    expect(await env.db.approval.count({ where: { grantId, status: "pending" } })).toBe(1);
  });

  it("an unknown or other org's request cannot be decided", async () => {
    const other = await env.newOrg();
    const { client } = await agent();
    const id = approvalIdOf(await client.callTool({ name: "echo", arguments: { message: "tenant" } }))!;
    await expect(decideApproval(env.db, { actor: other.actor, role: "admin", email: other.actor.label }, other.orgId, id, "approved", null)).rejects.toMatchObject({ code: "not_found" });
    await expect(decideApproval(env.db, approver, orgId, "apr_doesnotexist", "approved", null)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe.each(["fast", "next"] as const)("hold mode (%s entry point)", (entry) => {
  let holdServer: string;
  beforeAll(async () => {
    holdServer = await env.addServer(orgId, peer.url);
    await env.publish(
      orgId,
      {
        version: "1",
        default: "allow",
        tools: {
          echo: { action: "require_approval", approval: { mode: "hold", hold_seconds: 30 } },
          "get-sum": { action: "require_approval", approval: { mode: "hold", hold_seconds: 2 } },
        },
      },
      { serverId: holdServer },
    );
  });

  async function holdAgent() {
    const { id, token } = await env.grant(orgId, holdServer);
    return { grantId: id, client: await env.connect(entry, holdServer, token) };
  }

  /** The pending request of a grant, once the held call has created it. */
  async function pendingOf(grantId: string): Promise<string> {
    await expect.poll(() => env.db.approval.count({ where: { grantId, status: "pending" } }), { timeout: 10_000, interval: 100 }).toBe(1);
    return (await env.db.approval.findFirstOrThrow({ where: { grantId, status: "pending" } })).id;
  }

  it("keeps the call open with progress notifications, and returns the tool's result once approved", async () => {
    const { client, grantId } = await holdAgent();
    const progress: string[] = [];
    const started = Date.now();
    const call = client.callTool({ name: "echo", arguments: { message: `held via ${entry}` } }, undefined, {
      onprogress: (p) => void progress.push(p.message ?? ""),
      resetTimeoutOnProgress: true,
      timeout: 20_000,
    });
    const id = await pendingOf(grantId);
    await new Promise((r) => setTimeout(r, 6_000)); // at least one progress notification (every 5 s)
    await decideApproval(env.db, approver, orgId, id, "approved", null);
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain(`held via ${entry}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatch(new RegExp(`waiting for a human to approve this call \\(approval ${id}, \\d+ s so far\\)`));
    expect((await env.db.approval.findUniqueOrThrow({ where: { id } })).status).toBe("used");
    await expect.poll(() => env.db.auditEvent.findMany({ where: { grantId }, orderBy: { time: "asc" }, select: { decision: true, approvalId: true } }), { timeout: 10_000 }).toEqual([
      { decision: "require_approval", approvalId: id },
      { decision: "allow", approvalId: id },
    ]);
  });

  it("a denial during the hold is the call's answer", async () => {
    const { client, grantId } = await holdAgent();
    const call = client.callTool({ name: "echo", arguments: { message: "held and denied" } });
    const id = await pendingOf(grantId);
    await decideApproval(env.db, approver, orgId, id, "denied", "wrong account");
    const result = await call;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`a human denied this call (approval ${id}): wrong account`);
  });

  it("when the hold time runs out undecided, the agent is told to retry, and the retry runs once approved", async () => {
    const { client, grantId } = await holdAgent();
    const started = Date.now();
    const first = await client.callTool({ name: "get-sum", arguments: { a: 20, b: 22 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(textOf(first)).toMatch(/^\[APPROVAL REQUIRED\] .*make the same call again with exactly the same arguments/);
    const id = approvalIdOf(first)!;
    await decideApproval(env.db, approver, orgId, id, "approved", null);
    expect(textOf(await client.callTool({ name: "get-sum", arguments: { a: 20, b: 22 } }))).toContain("42");
    expect(await env.db.approval.count({ where: { grantId } })).toBe(1);
  });
});

describe.each(["fast", "next"] as const)("elicit mode (%s entry point)", (entry) => {
  let elicitServer: string;
  const clients: Client[] = [];
  beforeAll(async () => {
    elicitServer = await env.addServer(orgId, peer.url);
    await env.publish(orgId, { version: "1", default: "allow", tools: { echo: { action: "require_approval", approval: { mode: "elicit", hold_seconds: 30 } } } }, { serverId: elicitServer });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
  });

  /** An agent whose client shows URLs to its user (URL-mode elicitation); `user` is what the user does with one. */
  async function urlClient(user: (request: { url: string; elicitationId: string; message: string }) => Promise<"accept" | "decline" | "cancel">) {
    const { id, token } = await env.grant(orgId, elicitServer);
    const client = new Client({ name: "elicit-agent", version: "1.0.0" }, { capabilities: { elicitation: { url: {} } } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      const params = request.params as { mode?: string; url: string; elicitationId: string; message: string };
      expect(params.mode).toBe("url");
      return { action: await user(params) };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(env.gatewayUrl(entry, elicitServer)), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return { grantId: id, client };
  }

  it("asks the user in the client to open the approval page; once approved there, the call runs", async () => {
    const seen: { url: string; elicitationId: string; message: string }[] = [];
    const { client, grantId } = await urlClient(async (request) => {
      seen.push(request);
      // The user opens the page and approves (they may: the test's approver is an admin).
      await decideApproval(env.db, approver, orgId, request.elicitationId, "approved", "opened from the client");
      return "accept";
    });
    const result = await client.callTool({ name: "echo", arguments: { message: `elicited via ${entry}` } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain(`elicited via ${entry}`);
    expect(seen).toHaveLength(1);
    const approval = await env.db.approval.findFirstOrThrow({ where: { grantId } });
    expect(seen[0].elicitationId).toBe(approval.id);
    expect(seen[0].url).toMatch(new RegExp(`/approvals/${approval.id}$`));
    expect(seen[0].message).toContain("a human must approve this call to echo");
    expect(approval.status).toBe("used");
  });

  it("a user who declines ends the wait at once with the retry answer; the request stays for an approver", async () => {
    const { client, grantId } = await urlClient(async () => "decline");
    const started = Date.now();
    const result = await client.callTool({ name: "echo", arguments: { message: "declined" } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(textOf(result)).toContain("[APPROVAL REQUIRED]");
    expect((await env.db.approval.findFirstOrThrow({ where: { grantId } })).status).toBe("pending");
  });

  it("a client without URL elicitation gets the retry answer at once", async () => {
    const { client } = await (async () => {
      const { token } = await env.grant(orgId, elicitServer);
      return { client: await env.connect(entry, elicitServer, token) };
    })();
    const started = Date.now();
    const result = await client.callTool({ name: "echo", arguments: { message: "no elicitation" } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(textOf(result)).toMatch(/^\[APPROVAL REQUIRED\] .*approval id apr_/);
  });
});
