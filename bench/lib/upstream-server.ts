// A minimal, fast MCP server (Streamable HTTP, JSON answers only) for the gateway benchmark.
// Plain node:http and no SDK, so the upstream is never the bottleneck. It opens a session on
// `initialize` and refuses calls without a known session id, so a gateway that loses or garbles
// the session (Toolgate seals it into its own token) fails the run instead of passing silently.
// Run as a child: prints `READY <port>` and stops on SIGTERM.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { ECHO_TOOL, PROTOCOL_VERSION } from "./mcp";
import { serveUntilSignal } from "./child-server";

type Rpc = { jsonrpc?: string; id?: string | number | null; method?: string; params?: Record<string, unknown> };

const sessions = new Set<string>();
const TOOLS = [
  {
    name: ECHO_TOOL,
    description: "Returns its text argument unchanged.",
    inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  },
];

function answer(msg: Rpc): unknown {
  switch (msg.method) {
    case "initialize":
      return { protocolVersion: msg.params?.protocolVersion ?? PROTOCOL_VERSION, capabilities: { tools: {} }, serverInfo: { name: "bench-echo", version: "1.0.0" } };
    case "tools/list":
      return { tools: TOOLS };
    case "tools/call": {
      const args = (msg.params?.arguments ?? {}) as { text?: unknown };
      if (msg.params?.name !== ECHO_TOOL) return { content: [{ type: "text", text: `unknown tool` }], isError: true };
      return { content: [{ type: "text", text: String(args.text ?? "") }] };
    }
    case "ping":
      return {};
    default:
      return undefined;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
  const session = req.headers["mcp-session-id"];
  if (req.method === "DELETE") {
    if (typeof session === "string") sessions.delete(session);
    return send(res, 200, undefined);
  }
  if (req.method !== "POST") return send(res, 405, { jsonrpc: "2.0", id: null, error: { code: -32000, message: "Method Not Allowed" } }, { allow: "POST, DELETE" });
  let msg: Rpc;
  try {
    msg = JSON.parse(raw) as Rpc;
  } catch {
    return send(res, 400, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
  }
  if (msg.method === "initialize") {
    const id = randomUUID();
    sessions.add(id);
    return send(res, 200, { jsonrpc: "2.0", id: msg.id ?? null, result: answer(msg) }, { "mcp-session-id": id });
  }
  if (typeof session !== "string" || !sessions.has(session)) {
    return send(res, 404, { jsonrpc: "2.0", id: msg.id ?? null, error: { code: -32001, message: "Session not found" } });
  }
  if (msg.id === undefined) return send(res, 202, undefined); // a notification
  const result = answer(msg);
  if (result === undefined) return send(res, 200, { jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "Method not found" } });
  send(res, 200, { jsonrpc: "2.0", id: msg.id, result });
}

const server = http.createServer((req, res) => {
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (c: string) => (raw += c));
  req.on("end", () => handle(req, res, raw));
});
serveUntilSignal(server);
