import type { UpstreamConfig } from "../../ports";
import { classify } from "../jsonrpc";

// Which upstreams speak only the legacy HTTP+SSE transport (MCP 2024-11-05).
//
// transport "sse" always does, "streamable_http" never. For "auto", the client's initialize is
// first POSTed as Streamable HTTP, as the spec's backwards-compatibility section tells clients
// to do; the upstream is taken for a legacy one when
//   1. that POST is answered 404 or 405 (a legacy server's URL is its GET stream, with no POST
//      handler), or 400 with a body that is not a JSON-RPC message (a Streamable HTTP server
//      explains a bad request with a JSON-RPC error; a legacy one answers text, or HTML), and
//   2. a GET on the same URL then opens an SSE stream that announces an `endpoint`.
// Any other answer is the Streamable HTTP server's own and goes to the client unchanged (401 and
// 403 are credential problems, never a reason to switch transports). Requiring both steps keeps
// a mistyped URL (404 everywhere) from being taken for a legacy server.

export function maybeLegacyStatus(status: number): boolean {
  return status === 404 || status === 405 || status === 400;
}

/** Step 1 of the rule, given the status and (for 400) the body of the Streamable HTTP answer. */
export function answerSuggestsLegacy(status: number, body: string): boolean {
  if (status === 404 || status === 405) return true;
  return status === 400 && !isJsonRpcAnswer(body);
}

function isJsonRpcAnswer(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  return messages.length > 0 && messages.every((m) => classify(m).kind === "response");
}

/**
 * Servers found to be legacy, remembered in this process so that later sessions skip the
 * Streamable HTTP attempt. Keyed by server and URL (a changed URL is probed again); entries
 * expire so that an upstream upgraded to Streamable HTTP is noticed, and are dropped at once
 * when opening a legacy stream fails.
 */
export class LegacyDetections {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(server: UpstreamConfig): boolean {
    const at = this.seen.get(key(server));
    if (at === undefined) return false;
    if (this.now() - at < this.ttlMs) return true;
    this.seen.delete(key(server));
    return false;
  }

  remember(server: UpstreamConfig) {
    this.seen.delete(key(server));
    this.seen.set(key(server), this.now());
    if (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
  }

  forget(server: UpstreamConfig) {
    this.seen.delete(key(server));
  }
}

const key = (server: UpstreamConfig) => `${server.serverId} ${server.url}`;
