import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";

// Connects to an upstream MCP server as a client and lists its tools (all pages). Tries
// Streamable HTTP first and falls back to the legacy HTTP+SSE transport, and says in plain words
// what went wrong: DNS, refused, TLS, 401 from the upstream, not an MCP server, or a timeout.
export interface DiscoveredTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

export interface Discovery {
  transport: "streamable_http" | "sse";
  serverInfo: { name?: string; version?: string };
  tools: DiscoveredTool[];
}

export class DiscoveryError extends Error {
  constructor(
    public kind: "dns" | "refused" | "tls" | "unauthorized" | "not_mcp" | "timeout" | "other",
    message: string,
  ) {
    super(message);
  }
}

export async function discoverTools(url: URL, headers: Record<string, string>, opts: { transport?: "auto" | "streamable_http" | "sse"; timeoutMs?: number } = {}): Promise<Discovery> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const order: ("streamable_http" | "sse")[] = opts.transport === "sse" ? ["sse"] : opts.transport === "streamable_http" ? ["streamable_http"] : ["streamable_http", "sse"];
  let first: DiscoveryError | undefined;
  for (const kind of order) {
    try {
      return await listWith(kind, url, headers, timeoutMs);
    } catch (err) {
      const e = classify(err, url, timeoutMs);
      first ??= e;
      // Only "this is not the transport it speaks" is worth another try.
      if (e.kind !== "not_mcp") throw e;
    }
  }
  throw first!;
}

async function listWith(kind: "streamable_http" | "sse", url: URL, headers: Record<string, string>, timeoutMs: number): Promise<Discovery> {
  const requestInit = { headers };
  const transport: Transport =
    kind === "streamable_http"
      ? new StreamableHTTPClientTransport(url, { requestInit })
      : new SSEClientTransport(url, { requestInit, eventSourceInit: { fetch: (u, init) => fetch(u, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) } });
  // Every client capability declared: servers that list some tools only to clients able to use
  // them (sampling, elicitation, roots) list them all here, so the baseline a review starts from
  // has them. The listing itself asks nothing of the client.
  const client = new Client({ name: "toolgate-discovery", version: "1.0.0" }, { capabilities: { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } } });
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await client.connect(transport, { signal, timeout: timeoutMs });
    const tools: DiscoveredTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const r = await client.listTools(cursor ? { cursor } : undefined, { signal, timeout: timeoutMs });
      tools.push(...(r.tools as DiscoveredTool[]));
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    const info = client.getServerVersion();
    return { transport: kind, serverInfo: { name: info?.name, version: info?.version }, tools };
  } finally {
    // End the session at the upstream, failed listing or not (a command server's process stops with it).
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
  }
}

function classify(err: unknown, url: URL, timeoutMs: number): DiscoveryError {
  if (err instanceof DiscoveryError) return err;
  const e = err as { name?: string; message?: string; code?: unknown; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? (typeof e.code === "string" ? e.code : undefined);
  const msg = `${e.message ?? ""} ${e.cause?.message ?? ""}`;
  const host = url.host;
  if (e.name === "TimeoutError" || e.name === "AbortError" || /timed? ?out/i.test(msg)) return new DiscoveryError("timeout", `${host} did not answer within ${Math.round(timeoutMs / 1000)} s`);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new DiscoveryError("dns", `the host ${url.hostname} could not be resolved (DNS)`);
  if (code === "ECONNREFUSED") return new DiscoveryError("refused", `${host} refused the connection: is the server running on that port?`);
  if (typeof code === "string" && (code.startsWith("CERT_") || code.includes("SELF_SIGNED") || code.startsWith("ERR_TLS") || code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE")) {
    return new DiscoveryError("tls", `the TLS certificate of ${host} was not accepted (${code})`);
  }
  if (/\b401\b|unauthori[sz]ed/i.test(msg) || e.code === 401) return new DiscoveryError("unauthorized", `${host} answered 401 Unauthorized: check the authentication headers`);
  if (/\b403\b|forbidden/i.test(msg) || e.code === 403) return new DiscoveryError("unauthorized", `${host} answered 403 Forbidden: the credentials are not allowed`);
  if (/\b(404|405|406|415)\b|Unexpected (token|content type)|not valid JSON|invalid_union|Invalid input|SSE error|Non-200/i.test(msg) || typeof e.code === "number") {
    return new DiscoveryError("not_mcp", `${url.href} does not answer like an MCP server (${msg.trim().split("\n")[0].slice(0, 160)})`);
  }
  return new DiscoveryError("other", `could not list the tools of ${host}: ${msg.trim().split("\n")[0].slice(0, 200)}`);
}
