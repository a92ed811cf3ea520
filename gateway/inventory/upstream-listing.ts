import { randomBytes } from "node:crypto";
import { upstreamRequestHeaders } from "../http/headers";
import { readUpstreamBody, sendUpstream, upstreamUrl } from "../proxy/upstream";
import { SseSplitter } from "../proxy/sse";
import type { GatewayDeps, RequestScope } from "../proxy/context";
import { namedTools, type ToolDefinition } from "./definition";

// The gateway's own tools/list of an upstream, in the calling client's session: asked when an
// agent calls a tool the inventory has never seen, so that the answer is right (the upstream has
// it: pending review; it does not: unknown) and a new tool is recorded with its definition.

/** Pages followed at most: a listing that never ends is cut and counted as incomplete. */
const MAX_PAGES = 20;
const MAX_LIST_BYTES = 8 * 1024 * 1024;

export interface UpstreamListing {
  tools: ToolDefinition[];
  /** Every page was read. */
  complete: boolean;
}

export class ListingError extends Error {}

export async function listUpstreamTools(deps: GatewayDeps, scope: RequestScope): Promise<UpstreamListing> {
  const tools: ToolDefinition[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await listPage(deps, scope, cursor);
    tools.push(...namedTools(result.tools));
    cursor = typeof result.nextCursor === "string" && result.nextCursor !== "" ? result.nextCursor : undefined;
    if (cursor === undefined) return { tools, complete: true };
  }
  return { tools, complete: false };
}

async function listPage(deps: GatewayDeps, scope: RequestScope, cursor: string | undefined): Promise<{ tools?: unknown; nextCursor?: unknown }> {
  const id = `toolgate-list-${randomBytes(6).toString("hex")}`;
  const body = JSON.stringify({ jsonrpc: "2.0", id, method: "tools/list", ...(cursor === undefined ? {} : { params: { cursor } }) });
  const timeoutMs = Math.min(deps.options.upstreamTimeoutMs, 15_000);
  const headers = upstreamRequestHeaders(scope.req.header, scope.server.headers, scope.upstreamSessionId);
  headers["content-type"] = "application/json";
  headers.accept = "application/json, text/event-stream";
  // The client's routing headers describe its own request, not this listing.
  delete headers["mcp-name"];
  if (headers["mcp-method"] !== undefined) headers["mcp-method"] = "tools/list";
  const res = await sendUpstream({ url: upstreamUrl(scope.server), method: "POST", headers, body, timeoutMs });
  const status = res.statusCode ?? 502;
  const type = String(res.headers["content-type"] ?? "");
  const text = (await readUpstreamBody(res, MAX_LIST_BYTES, Date.now() + timeoutMs)).toString("utf8");
  if (status >= 400) throw new ListingError(`the upstream answered tools/list with HTTP ${status}`);
  const answer = type.startsWith("text/event-stream") ? findInStream(text, id) : parseJson(text);
  const message = (Array.isArray(answer) ? answer : [answer]).find((m) => (m as { id?: unknown } | null)?.id === id);
  // Only the answer to this very request counts: another id's result is not a list of this server's tools.
  if (message === undefined) throw new ListingError("the upstream's answer did not include a response to Toolgate's tools/list");
  const result = (message as { result?: unknown }).result;
  if (typeof result !== "object" || result === null) throw new ListingError("the upstream's tools/list answer has no result");
  return result as { tools?: unknown; nextCursor?: unknown };
}

function findInStream(text: string, id: string): unknown {
  const splitter = new SseSplitter();
  for (const ev of [...splitter.push(text), ...splitter.push("\n\n")]) {
    if (ev.data === undefined) continue;
    const m = parseJson(ev.data);
    if ((m as { id?: unknown } | null)?.id === id) return m;
  }
  throw new ListingError("the upstream's tools/list stream ended without an answer");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ListingError("the upstream's tools/list answer is not JSON");
  }
}
