import { CALL_BODY, INITIALIZE_BODY, INITIALIZED_BODY, callHeaders, isEchoResult } from "./mcp";

// A path is one way to reach the same upstream; each gets its own MCP session, opened through
// the path itself (so Toolgate's session id is its sealed token, not the upstream's id).
export interface PathSpec {
  name: string;
  url: string;
  token: string | null;
}

export interface ReadyPath extends PathSpec {
  headers: Record<string, string>;
  /** A checked echo answer; every answer during the load must be identical to it. */
  expectBody: string;
}

async function post(url: string, headers: Record<string, string>, body: string) {
  // A cold instance may answer 503 + Retry-After while its first configuration load is slow (a
  // busy machine): do what a client should, within a bound, and say so.
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, { method: "POST", headers, body });
    const text = await res.text();
    const retryAfter = Number(res.headers.get("retry-after"));
    if (res.status === 503 && retryAfter > 0 && attempt < 5) {
      console.log(`bench: ${url}: 503, retrying in ${retryAfter} s (${text.slice(0, 120)})`);
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      continue;
    }
    return { status: res.status, session: res.headers.get("mcp-session-id"), text };
  }
}

export async function preparePath(p: PathSpec): Promise<ReadyPath> {
  const init = await post(p.url, callHeaders(p.token, null), INITIALIZE_BODY);
  if (init.status !== 200 || !init.session) throw new Error(`${p.name}: initialize failed (HTTP ${init.status}, session ${init.session}): ${init.text.slice(0, 300)}`);
  const headers = callHeaders(p.token, init.session);
  const ack = await post(p.url, headers, INITIALIZED_BODY);
  if (ack.status !== 202) throw new Error(`${p.name}: notifications/initialized got HTTP ${ack.status}: ${ack.text.slice(0, 300)}`);
  // Two calls: the answer must be the echo result, and stable, for byte comparison under load.
  const first = await post(p.url, headers, CALL_BODY);
  const second = await post(p.url, headers, CALL_BODY);
  if (first.status !== 200 || !isEchoResult(first.text)) throw new Error(`${p.name}: the echo call did not return the echo result (HTTP ${first.status}): ${first.text.slice(0, 300)}`);
  if (second.text !== first.text) throw new Error(`${p.name}: two identical calls got different answers:\n${first.text}\n${second.text}`);
  return { ...p, headers, expectBody: first.text };
}
