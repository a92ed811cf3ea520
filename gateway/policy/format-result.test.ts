import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { rateLimitedDecision } from "./decision";
import { formatDecision, unknownToolError, unknownToolResult } from "./format-result";
import { CONTEXT, decide } from "./testdata/policies";

const document = {
  version: "1",
  default: "deny",
  hide: ["debug"],
  tools: {
    create_charge: {
      deny_if: [{ path: "args.amount", op: "gt", value: 10000 }],
      on_deny: "charges over 10000 need finance",
      limits: [{ counter: "charges", window: "minute", max: 5, scope: "grant" }],
    },
    delete_repo: { action: "require_approval", approval: { timeout_seconds: 900 } },
  },
};

describe("formatDecision", () => {
  it("tells the agent a call was denied, by which rule, with details in _meta", () => {
    const decision = decide(document, { tool: "create_charge", args: { amount: 20000 } });
    expect(formatDecision(decision, { tool: "create_charge" })).toEqual({
      result: {
        content: [{ type: "text", text: "[POLICY DENIED] charges over 10000 need finance (rule /tools/create_charge/deny_if/0)" }],
        isError: true,
        _meta: {
          "toolgate/decision": {
            effect: "deny",
            tool: "create_charge",
            rule: "/tools/create_charge/deny_if/0",
            message: "charges over 10000 need finance",
            reason: "`args.amount` is greater than `10000`",
          },
        },
      },
    });
  });

  it("names the limit and the seconds until it resets", () => {
    const [limit] = decide(document, { tool: "create_charge", args: { amount: 1 } }).limits;
    const response = formatDecision(rateLimitedDecision(limit, 12_300), { tool: "create_charge" });
    expect(response).toMatchObject({
      result: {
        content: [
          {
            type: "text",
            text: "[POLICY DENIED] rate limit `charges` reached: at most 5 calls per minute per grant, resets in 13 seconds (rule /tools/create_charge/limits/0)",
          },
        ],
        isError: true,
        _meta: {
          "toolgate/decision": {
            effect: "rate_limited",
            retryAfterSeconds: 13,
            limit: { counter: "charges", window: "minute", max: 5, scope: "grant" },
          },
        },
      },
    });
  });

  it("asks for approval with the approval id, or a placeholder", () => {
    const decision = decide(document, { tool: "delete_repo", args: {} });
    const withId = formatDecision(decision, { tool: "delete_repo", approvalId: "apr_123" });
    expect("result" in withId && withId.result.content[0].text).toBe(
      "[APPROVAL REQUIRED] A human must approve this call to `delete_repo` before it runs (approval id apr_123, rule /tools/delete_repo/action). " +
        "Tell your user that this call is waiting for a human to approve it in Toolgate's Approvals inbox. " +
        "Once it is approved, make the same call again with exactly the same arguments; it will then run once. The request expires in 15 minutes.",
    );
    const linked = formatDecision(decision, { tool: "delete_repo", approvalId: "apr_9", approvalUrl: "https://tg.example/approvals/apr_9", note: "Request apr_8 expired undecided." });
    expect("result" in linked && linked.result.content[0].text).toMatch(/^\[APPROVAL REQUIRED\] Request apr_8 expired undecided\. A human must approve .* waiting for a human to approve it at https:\/\/tg\.example\/approvals\/apr_9\./);
    expect(withId).toMatchObject({ result: { isError: true, _meta: { "toolgate/decision": { approvalId: "apr_123", approvalTimeoutSeconds: 900 } } } });
    const placeholder = formatDecision(decision, { tool: "delete_repo" });
    expect("result" in placeholder && placeholder.result.content[0].text).toContain("approval id {approval_id}");
  });

  it("answers a hidden tool as a server answers an unknown one", () => {
    const decision = decide(document, { tool: "debug" }, CONTEXT);
    expect(formatDecision(decision, { tool: "debug" })).toEqual({ result: unknownToolResult("debug") });
    expect(formatDecision(decision, { tool: "debug", unknownTool: "jsonrpc-error" })).toEqual({
      error: { code: -32602, message: "Unknown tool: debug" },
    });
    expect(unknownToolError("x")).toEqual({ code: -32602, message: "Unknown tool: x" });
  });

  it("refuses to format an allowed call", () => {
    expect(() => formatDecision(decide(document, { tool: "create_charge", args: { amount: 1 } }), { tool: "create_charge" })).toThrow();
  });
});

describe("unknownToolResult", () => {
  it("is exactly what the SDK's McpServer answers for a tool it does not have", async () => {
    const server = new McpServer({ name: "reference", version: "1.0.0" });
    server.registerTool("echo", { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: "text", text }] }));
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientTransport);
    try {
      const answer = await client.callTool({ name: "no_such_tool", arguments: {} });
      expect(answer).toEqual(unknownToolResult("no_such_tool"));
    } finally {
      await client.close();
      await server.close();
    }
  });
});
