import http from "node:http";
import { randomUUID } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { freePort } from "../../lib/runtime/free-port";

// A small, real MCP server (the official SDK over Streamable HTTP, stateful sessions) with
// tools named like the ones policies are written for, and a log of the calls that reached it,
// so tests can tell what the gateway forwarded from what it answered itself.
export interface TestUpstream {
  url: string;
  calls: { tool: string; args: Record<string, unknown>; headers: http.IncomingHttpHeaders }[];
  requests: http.IncomingHttpHeaders[];
  /** Lists one more tool (a plain one answering "ok") in the sessions opened from now on: a sync sees it as new. */
  addTool(name: string, description?: string): void;
  /** Gives a tool added with addTool another description in the sessions opened from now on: a silently changed definition. */
  redefine(name: string, description: string): void;
  close(): Promise<void>;
}

/** The operations of the multiplexed tool (as AWS Glue's in awslabs.aws-dataprocessing-mcp-server). */
export const GLUE_OPERATIONS = ["create-job", "delete-job", "get-job", "get-jobs", "update-job", "start-job-run", "stop-job-run", "get-job-run"] as const;

function buildServer(calls: TestUpstream["calls"], headersOf: () => http.IncomingHttpHeaders, extra: { name: string; description: string }[], multiplexed: boolean) {
  const server = new McpServer({ name: "test-upstream", version: "1.0.0" });
  const log = (tool: string, args: Record<string, unknown>) => calls.push({ tool, args, headers: headersOf() });
  const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });
  server.registerTool("echo", { description: "Echo a message", inputSchema: { message: z.string() } }, async (a) => (log("echo", a), text(a.message)));
  server.registerTool(
    "start_dicom_import_job",
    { description: "Start a DICOM import job", inputSchema: { datastore_id: z.string().optional() } },
    async (a) => (log("start_dicom_import_job", a), text("job started")),
  );
  server.registerTool("delete_file", { description: "Delete a file", inputSchema: { path: z.string() } }, async (a) => (log("delete_file", a), text(`deleted ${a.path}`)));
  server.registerTool(
    "create_charge",
    { description: "Charge a customer", inputSchema: { amount: z.number(), currency: z.string() } },
    async (a) => (log("create_charge", a), text(`charged ${a.amount} ${a.currency}`)),
  );
  server.registerTool("internal_debug", { description: "Internal debugging tool" }, async () => (log("internal_debug", {}), text("debug")));
  server.registerTool("fail_tool", { description: "Always fails at the protocol level" }, async () => {
    log("fail_tool", {});
    throw new Error("upstream exploded");
  });
  server.registerTool("slow_tool", { description: "Answers after ms milliseconds", inputSchema: { ms: z.number() } }, async (a) => {
    log("slow_tool", a);
    await new Promise((r) => setTimeout(r, a.ms));
    return text("slow done");
  });
  if (multiplexed) {
    server.registerTool(
      "manage_aws_glue_jobs",
      { description: "Manage AWS Glue jobs", inputSchema: { operation: z.enum(GLUE_OPERATIONS).describe("Operation to perform"), job_name: z.string().optional() } },
      async (a) => (log("manage_aws_glue_jobs", a), text(`${a.operation} done`)),
    );
  }
  for (const t of extra) server.registerTool(t.name, { description: t.description }, async () => (log(t.name, {}), text("ok")));
  return server;
}

export async function startTestUpstream(opts: { json?: boolean; multiplexed?: boolean } = {}): Promise<TestUpstream> {
  const calls: TestUpstream["calls"] = [];
  const requests: http.IncomingHttpHeaders[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const extra: { name: string; description: string }[] = [];
  let current: http.IncomingHttpHeaders = {};
  const httpServer = http.createServer(async (req, res) => {
    requests.push(req.headers);
    current = req.headers;
    const sid = req.headers["mcp-session-id"] as string | undefined;
    let transport = sid ? transports.get(sid) : undefined;
    if (!transport) {
      if (sid) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } }));
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: opts.json,
        onsessioninitialized: (id) => void transports.set(id, transport!),
      });
      transport.onclose = () => transport?.sessionId && transports.delete(transport.sessionId);
      await buildServer(calls, () => current, [...extra], opts.multiplexed === true).connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  const port = await freePort();
  await new Promise<void>((r) => httpServer.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    requests,
    addTool(name, description = `The ${name} tool`) {
      extra.push({ name, description });
    },
    redefine(name, description) {
      const i = extra.findIndex((t) => t.name === name);
      if (i < 0) throw new Error(`no added tool ${name}`);
      extra[i] = { name, description };
    },
    async close() {
      for (const t of transports.values()) await t.close().catch(() => {});
      httpServer.closeAllConnections();
      await new Promise((r) => httpServer.close(r));
    },
  };
}
