import http from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";
import { freePort } from "../lib/runtime/free-port";

// A generated MCP server with many tools (stateless Streamable HTTP, JSON answers), for timing
// the policy builder on a large inventory. Names mix verbs so the risk ratings vary.
const VERBS = ["get", "list", "search", "create", "update", "delete", "run", "send", "charge", "export"];
const NOUNS = ["item", "user", "invoice", "file", "job", "report", "bucket", "ticket", "order", "record"];

export async function startManyToolsUpstream(count: number): Promise<{ url: string; names: string[]; close(): Promise<void> }> {
  const names = Array.from({ length: count }, (_, i) => `${VERBS[i % VERBS.length]}_${NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]}_${String(i).padStart(3, "0")}`);
  const build = () => {
    const server = new McpServer({ name: "many-tools", version: "1.0.0" });
    for (const name of names) {
      server.registerTool(name, { description: `${name.replace(/_/g, " ")}: a generated tool`, inputSchema: { id: z.string(), limit: z.number().optional() } }, async () => ({
        content: [{ type: "text" as const, text: name }],
      }));
    }
    return server;
  };
  const port = await freePort();
  const httpServer = http.createServer(async (req, res) => {
    if (req.method !== "POST") return void res.writeHead(405).end();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    const server = build();
    res.on("close", () => void (transport.close(), server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    names,
    close: () => new Promise<void>((resolve) => httpServer.close(() => resolve())),
  };
}
