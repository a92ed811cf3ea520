import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { startGatewayEnv, textOf, type GatewayEnv } from "../helpers/gateway-env";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { ACCEPT_BOTH, initializeRequest, postRpc } from "../helpers/gateway-wire";

// Issue 4 §6, fuzz: thousands of malformed, oversized, truncated, out-of-order, wrong-typed,
// deeply nested, invalid UTF-8 and mixed-batch messages, with random headers and methods (and
// 2026-07-28 routing headers that agree with the body or not, issue 13 §4), by
// fetch and by raw sockets, against the fast entry point (`npm start`'s own HTTP server).
// Every answer must be a well-formed HTTP response (JSON-RPC errors where the body is JSON),
// the process must live through it, and its memory must stay flat.
const RUNS = Number(process.env.TOOLGATE_FUZZ_RUNS ?? 5000);
const SEED = Number(process.env.TOOLGATE_FUZZ_SEED ?? 20261124);
const CONCURRENCY = 12;
/** No single answer may take longer than this (the upstream timeout below, plus slack). */
const ANSWER_MS = 8000;
const RSS_GROWTH_LIMIT_MB = 50;
const HEAP_CAP_MB = 256;
// Hidden, denied and limited tools put local answers in batches (re-serialized messages), the
// rules read arguments (deny_if), and everything else is forwarded to a real SDK server.
const POLICY = {
  version: "1",
  default: "allow",
  hide: ["internal_*"],
  tools: {
    delete_file: { action: "deny", on_deny: "no deletions" },
    create_charge: { deny_if: [{ path: "args.amount", op: "gt", value: 100 }] },
    echo: { limits: [{ counter: "echo_rate", window: "second", max: 1000000, scope: "grant" }] },
  },
};

let env: GatewayEnv;
let upstream: TestUpstream;
let serverId: string;
let token: string;
let session: string;
let pid: number;

beforeAll(async () => {
  upstream = await startTestUpstream();
  env = await startGatewayEnv({ entries: ["fast"], env: { TOOLGATE_UPSTREAM_TIMEOUT_MS: "5000" } });
  const { orgId } = await env.newOrg();
  serverId = await env.addServer(orgId, upstream.url);
  await env.publish(orgId, POLICY, { serverId });
  token = (await env.grant(orgId, serverId, "fuzzer")).token;
  session = await newSession();
  pid = env.instances.fast!.child.pid!;
});
afterAll(async () => {
  await env?.stop();
  await upstream?.close();
});

async function newSession(): Promise<string> {
  const a = await postRpc(env.gatewayUrl("fast", serverId), initializeRequest(1), { authorization: `Bearer ${token}` });
  if (a.status !== 200) throw new Error(`initialize failed: ${a.status} ${a.text}`);
  return a.headers.get("mcp-session-id")!;
}

function rssOf(processId: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${processId}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}
const rssMb = () => rssOf(pid);

// ---------------------------------------------------------------------------------------------
// Inputs

const METHODS = [
  "initialize", "notifications/initialized", "ping", "tools/list", "tools/call", "resources/list", "resources/read",
  "resources/templates/list", "resources/subscribe", "prompts/list", "prompts/get", "completion/complete",
  "logging/setLevel", "notifications/cancelled", "notifications/progress", "notifications/roots/list_changed", "sampling/createMessage",
];
const TOOLS = ["echo", "delete_file", "create_charge", "internal_debug", "slow_tool", "fail_tool", "no_such_tool", ""];

const nested = (depth: number, open: string, close: string, inner = "1") => open.repeat(depth) + inner + close.repeat(depth);
const deepJson = fc.oneof(
  fc.integer({ min: 100, max: 200_000 }).map((d) => nested(d, "[", "]")),
  fc.integer({ min: 100, max: 100_000 }).map((d) => nested(d, '{"a":', "}")),
);
const weirdId = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(null, true, false, 1.5, -0, 1e308, 2 ** 64, -(2 ** 63), {}, [], [1], { id: 1 }, "", "1"),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => "i".repeat(n)),
);
const args = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ message: fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.integer()) }),
  fc.record({ amount: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant([1e400])) , currency: fc.string() }),
  fc.record({ path: fc.string() }),
  fc.record({ ms: fc.integer({ min: 0, max: 20 }) }),
);
const params = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(null, 42, "x", [], true),
  fc.record({ name: fc.oneof(fc.constantFrom(...TOOLS), fc.string(), fc.integer(), fc.constant(null), fc.integer({ min: 1000, max: 100_000 }).map((n) => "t".repeat(n))), arguments: args }, { requiredKeys: [] }),
  fc.record({ protocolVersion: fc.oneof(fc.constantFrom("2025-03-26", "2025-06-18", "2025-11-25", "1.0"), fc.string()), capabilities: fc.jsonValue({ maxDepth: 2 }), clientInfo: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }),
  fc.record({ uri: fc.oneof(fc.string(), fc.constant("demo://x")), requestId: weirdId, level: fc.string(), cursor: fc.string() }, { requiredKeys: [] }),
  // 2026-07-28 requests: a protocol version in _meta, which the routing headers must agree with.
  fc.record({
    name: fc.oneof(fc.constantFrom(...TOOLS), fc.string()),
    uri: fc.constantFrom("demo://x", "file:///etc/passwd"),
    arguments: args,
    _meta: fc.record({ "io.modelcontextprotocol/protocolVersion": fc.oneof({ weight: 4, arbitrary: fc.constant("2026-07-28") }, fc.constantFrom("2025-11-25", "2027-01-01", 7, null), fc.string()) }, { requiredKeys: [] }),
  }, { requiredKeys: ["_meta"] }),
  fc.jsonValue({ maxDepth: 3 }),
);
const message = fc.record(
  {
    jsonrpc: fc.oneof({ weight: 8, arbitrary: fc.constant("2.0") }, fc.constantFrom("1.0", 2, null, "")),
    id: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) }, weirdId),
    method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...METHODS) }, fc.string(), fc.integer(), fc.constant(null)),
    params,
    result: fc.jsonValue({ maxDepth: 2 }),
    error: fc.oneof(fc.record({ code: fc.integer(), message: fc.string() }), fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: ["jsonrpc"] },
);

const enc = (v: unknown) => Buffer.from(JSON.stringify(v) ?? "null");
const body: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 30, arbitrary: message.map(enc) },
  { weight: 15, arbitrary: fc.array(message, { minLength: 0, maxLength: 30 }).map(enc) },
  // Valid calls mixed with everything else in one batch.
  { weight: 8, arbitrary: fc.array(fc.oneof(message, fc.constantFrom<unknown>({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "delete_file", arguments: {} } }, { jsonrpc: "2.0", id: 10, method: "tools/call", params: { name: "echo", arguments: { message: "x" } } }, { jsonrpc: "2.0", method: "notifications/initialized" })), { maxLength: 12 }).map(enc) },
  // Issue 13: batches whose requests share an id (a list and a call of a hidden tool), tools/call
  // sent without an id, and with params policy cannot read.
  { weight: 4, arbitrary: fc.tuple(weirdId, fc.constantFrom(...TOOLS)).map(([id, name]) => enc([{ jsonrpc: "2.0", id, method: "tools/list" }, { jsonrpc: "2.0", id, method: "tools/call", params: { name } }])) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...TOOLS), args).map(([name, a]) => enc({ jsonrpc: "2.0", method: "tools/call", params: { name, arguments: a } })) },
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom<unknown>(["echo"], "echo", 7, null, { name: 7 }, { name: "" }, { name: "echo", arguments: [] }, { name: "echo", arguments: "x" })).map(([id, p]) => enc({ jsonrpc: "2.0", id, method: "tools/call", params: p })) },
  { weight: 8, arbitrary: fc.tuple(message, fc.nat()).map(([m, cut]) => { const b = enc(m); return b.subarray(0, cut % Math.max(1, b.length)); }) },
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 5 }).map(enc) },
  { weight: 6, arbitrary: deepJson.map((s) => Buffer.from(s)) },
  // Deep nesting inside otherwise valid messages: arguments, params, and a batch with a local answer.
  { weight: 4, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((d) => Buffer.from(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"message":${nested(d, "[", "]")}}}}`)) },
  { weight: 4, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((d) => Buffer.from(`[{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"delete_file"}},{"jsonrpc":"2.0","method":"notifications/x","params":${nested(d, '{"a":', "}")}}]`)) },
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)) },
  // Invalid UTF-8 inside strings of an otherwise valid call.
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"message":"'), Buffer.from(a.map((x) => x | 0x80)), Buffer.from('"}}}')])) },
  { weight: 2, arbitrary: fc.constantFrom(Buffer.from(""), Buffer.from("null"), Buffer.from("[]"), Buffer.from("[[]]"), Buffer.from("{}"), Buffer.from('"\\ud800"'), Buffer.from("\uFEFF{}"), Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}{"x":1}')) },
  // Oversized: above the 4 MiB cap (few of them: each is 4+ MiB on the wire).
  { weight: 1, arbitrary: fc.integer({ min: 4 * 1024 * 1024 + 1, max: 5 * 1024 * 1024 }).map((n) => Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"p":"'), Buffer.alloc(n, "x"), Buffer.from('"}}')])) },
);

/** `usual` `weight` times out of weight + 1, else `odd`. */
const sometimes = <T, U>(weight: number, usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) => fc.oneof({ weight, arbitrary: usual as fc.Arbitrary<T | U> }, { weight: 1, arbitrary: odd as fc.Arbitrary<T | U> });
/** Header values fetch can send: printable ASCII only (the rest is for the raw-socket cases). */
const headerText = (max: number) => fc.string({ maxLength: max }).map((s) => s.replace(/[^\x20-\x7e]/g, "").trim());
type Sess = "none" | "valid" | "random" | "sealed-random" | "tampered" | "long";
interface FetchCase {
  kind: "fetch";
  method: string;
  path: string;
  body?: Buffer;
  auth: "valid" | "none" | "random" | "lowercase" | "two";
  session: Sess;
  headers: Record<string, string>;
}
interface RawCase {
  kind: "raw";
  build: "bytes" | "bad-length" | "short-body" | "chunked-garbage" | "huge-header" | "pipelined" | "partial-headers" | "bad-request-line" | "smuggle";
  bytes: Buffer;
}
type Case = FetchCase | RawCase;

const fetchCase: fc.Arbitrary<FetchCase> = fc.record({
  kind: fc.constant("fetch" as const),
  method: fc.oneof({ weight: 12, arbitrary: fc.constant("POST") }, fc.constantFrom("GET", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD")),
  path: fc.oneof({ weight: 40, arbitrary: fc.constant("") }, fc.constantFrom("/", "?x=1", "?access_token=abc", "/../x", "%00", "/x/y", "#frag"), headerText(30).map((s) => "/" + encodeURIComponent(s))),
  body: fc.option(body, { nil: undefined, freq: 10 }),
  auth: fc.oneof({ weight: 10, arbitrary: fc.constant("valid" as const) }, fc.constantFrom("none" as const, "random" as const, "lowercase" as const, "two" as const)),
  session: fc.oneof({ weight: 8, arbitrary: fc.constant<Sess>("valid") }, { weight: 2, arbitrary: fc.constant<Sess>("none") }, fc.constantFrom<Sess>("random", "sealed-random", "tampered", "long")),
  // Mostly what a real client sends, so that most cases get past the HTTP checks to the
  // JSON-RPC layer; each header is wrong, odd or missing some of the time.
  headers: fc
    .record({
      "content-type": sometimes(9, fc.constant("application/json"), fc.oneof(fc.constantFrom("application/json; charset=utf-8", "text/plain", "", "application/jsonx", "APPLICATION/JSON", "multipart/form-data"), headerText(40))),
      accept: sometimes(9, fc.constant(ACCEPT_BOTH), fc.oneof(fc.constantFrom("application/json", "text/event-stream", "*/*", "", "text/event-stream, application/json;q=0"), headerText(40))),
      "mcp-protocol-version": sometimes(6, fc.constantFrom("2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"), fc.oneof(fc.constantFrom("1999-01-01", "latest", "", undefined), headerText(60))),
      // 2026-07-28 routing headers, now and then, agreeing with the body or not (the body is random):
      // mismatches are answered 400 / -32020 before any policy runs.
      "mcp-method": sometimes(3, fc.constant(undefined), fc.oneof(fc.constantFrom(...METHODS), fc.constantFrom("TOOLS/CALL", " tools/call ", ""), headerText(40))),
      "mcp-name": sometimes(4, fc.constant(undefined), fc.oneof(fc.constantFrom(...TOOLS.filter(Boolean), "demo://x"), fc.string({ maxLength: 30 }).map((t) => `=?base64?${Buffer.from(t).toString("base64")}?=`), fc.constantFrom("=?base64?SGVsbG8?=", "=?base64?!!?=", "=?base64??=", "=?base64?"), headerText(60))),
      "mcp-param-region": sometimes(9, fc.constant(undefined), fc.oneof(fc.constantFrom("us-west1", "=?base64?SGVsbG8=?=", "=?base64?SGVsbG8?="), headerText(40))),
      "last-event-id": sometimes(9, fc.constant(undefined), fc.oneof(fc.constantFrom("0", "ev-1", ""), headerText(200))),
      origin: sometimes(9, fc.constant(undefined), fc.oneof(fc.constantFrom("http://localhost:3000", "https://evil.example", "null", "http://127.0.0.1", "file://", "http://[::1]:1"), headerText(60))),
      "x-forwarded-for": sometimes(9, fc.constant(undefined), headerText(30)),
      cookie: sometimes(9, fc.constant(undefined), headerText(60)),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined))),
});

const http1 = (lines: string[], body = "") => Buffer.from(lines.join("\r\n") + "\r\n\r\n" + body, "latin1");
const rawCase: fc.Arbitrary<RawCase> = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((b) => ({ kind: "raw" as const, build: "bytes" as const, bytes: Buffer.from(b) })),
  fc.tuple(fc.integer({ min: -5, max: 1e9 }), body).map(([len, b]) => ({ kind: "raw" as const, build: "bad-length" as const, bytes: Buffer.concat([http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Content-Type: application/json", `Accept: ${ACCEPT_BOTH}`, `Content-Length: ${len}`]), b]) })),
  body.map((b) => ({ kind: "raw" as const, build: "short-body" as const, bytes: Buffer.concat([http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Content-Type: application/json", `Accept: ${ACCEPT_BOTH}`, `Content-Length: ${b.length + 1000}`]), b]) })),
  fc.array(fc.oneof(fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF;= -"), maxLength: 10 }), fc.string({ unit: "binary", maxLength: 10 })), { maxLength: 6 }).map((parts) => ({ kind: "raw" as const, build: "chunked-garbage" as const, bytes: Buffer.concat([http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Content-Type: application/json", `Accept: ${ACCEPT_BOTH}`, "Transfer-Encoding: chunked"]), Buffer.from(parts.join("\r\n") + "\r\n", "latin1")]) })),
  fc.integer({ min: 17_000, max: 80_000 }).map((n) => ({ kind: "raw" as const, build: "huge-header" as const, bytes: http1(["POST /mcp/SID HTTP/1.1", "Host: x", `X-Big: ${"b".repeat(n)}`, "Content-Length: 0"]) })),
  fc.integer({ min: 2, max: 20 }).map((n) => {
    const one = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const req = http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Mcp-Session-Id: SESSION", "Content-Type: application/json", `Accept: ${ACCEPT_BOTH}`, `Content-Length: ${one.length}`], one);
    return { kind: "raw" as const, build: "pipelined" as const, bytes: Buffer.concat(Array.from({ length: n }, () => req)) };
  }),
  fc.nat({ max: 60 }).map((cut) => ({ kind: "raw" as const, build: "partial-headers" as const, bytes: http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN"]).subarray(0, cut) })),
  fc.string({ maxLength: 80 }).map((s) => ({ kind: "raw" as const, build: "bad-request-line" as const, bytes: http1([`${s} /mcp/SID HTTP/1.1`, "Host: x"]) })),
  fc.constantFrom(
    http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Content-Length: 5", "Transfer-Encoding: chunked"], "0\r\n\r\n"),
    http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Content-Length: 5", "Content-Length: 7"], "12345"),
    http1(["GET /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN\r\n X-Folded: yes"]),
    http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Mcp-Session-Id: a\u00ff\u0080b", "Content-Type: application/json", `Accept: ${ACCEPT_BOTH}`, "Content-Length: 2"], "{}"),
    http1(["POST /mcp/SID HTTP/1.1", "Host: x", "Authorization: Bearer TOKEN", "Origin: http://localhost:1\u00ff", "Content-Type: application/json", `Accept: ${ACCEPT_BOTH}`, "Content-Length: 40"], '{"jsonrpc":"2.0","id":1,"method":"ping"}'),
    http1(["POST /mcp/SID HTTP/1.0", "Authorization: Bearer TOKEN", "Content-Type: application/json", `Accept: ${ACCEPT_BOTH}`], '{"jsonrpc":"2.0","id":1,"method":"ping"}'),
  ).map((bytes) => ({ kind: "raw" as const, build: "smuggle" as const, bytes })),
);

const anyCase: fc.Arbitrary<Case> = fc.oneof({ weight: 9, arbitrary: fetchCase }, { weight: 1, arbitrary: rawCase });

// ---------------------------------------------------------------------------------------------
// Running one case, and what is wrong with its answer (null when nothing)

interface Outcome {
  status: number | null;
  problem: string | null;
}

function sessionHeader(kind: Sess): string | undefined {
  switch (kind) {
    case "none":
      return undefined;
    case "valid":
      return session;
    case "random":
      return randomBytes(16).toString("hex");
    case "sealed-random":
      return `s1.${randomBytes(60).toString("base64url")}`;
    case "tampered": {
      const i = 3 + (randomBytes(1)[0] % (session.length - 3));
      return session.slice(0, i) + (session[i] === "A" ? "B" : "A") + session.slice(i + 1);
    }
    case "long":
      return `s1.${"A".repeat(5000)}`;
  }
}

async function runFetch(c: FetchCase): Promise<Outcome> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.auth === "valid") headers.authorization = `Bearer ${token}`;
  else if (c.auth === "random") headers.authorization = `Bearer tgg_${randomBytes(20).toString("hex")}`;
  else if (c.auth === "lowercase") headers.authorization = `bearer ${token}`;
  else if (c.auth === "two") headers.authorization = `Bearer ${token} ${token}`;
  // DELETE would end the shared session: it gets a session of its own.
  const sid = c.method === "DELETE" && c.session === "valid" ? await newSession() : sessionHeader(c.session);
  if (sid !== undefined) headers["mcp-session-id"] = sid;
  const signal = AbortSignal.timeout(ANSWER_MS);
  let res: Response;
  try {
    res = await fetch(`${env.gatewayUrl("fast", serverId)}${c.path}`, { method: c.method, headers, body: c.method === "GET" || c.method === "HEAD" || !c.body ? undefined : new Uint8Array(c.body), signal });
  } catch (err) {
    return { status: null, problem: `no HTTP answer: ${(err as Error).message} ${(err as { cause?: Error }).cause?.message ?? ""}` };
  }
  const type = res.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) {
    // A stream (e.g. the standalone GET stream) stays open: its start is the answer.
    await res.body?.cancel().catch(() => {});
    return { status: res.status, problem: res.status === 200 ? null : `SSE with status ${res.status}` };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    return { status: res.status, problem: `body cut: ${(err as Error).message}` };
  }
  return { status: res.status, problem: judge(res.status, type, text) };
}

/** Answers that refused a routing-header mismatch (400, -32020): the generators must produce some. */
let headerMismatches = 0;

function judge(status: number, type: string, text: string): string | null {
  if (status < 200 || status > 599) return `status ${status}`;
  // 500 is what the HTTP server answers when the gateway threw: a bug, whatever the input.
  if (status === 500) return `500: ${text.slice(0, 200)}`;
  if (status >= 400 && status !== 405 && !type.startsWith("application/json")) return `${status} without a JSON body (${type}): ${text.slice(0, 120)}`;
  if (!type.startsWith("application/json") || text === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `${status} application/json that does not parse: ${text.slice(0, 120)}`;
  }
  // A hidden tool appears in no list (nor does a stand-in name for it, in any answer).
  for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
    const tools = (m as { result?: { tools?: unknown } } | null)?.result?.tools;
    if (Array.isArray(tools) && tools.some((t) => (t as { name?: unknown } | null)?.name === "internal_debug")) return `a hidden tool was listed: ${text.slice(0, 200)}`;
  }
  if (text.includes("toolgate-unknown-tool-")) return `a stand-in name leaked: ${text.slice(0, 200)}`;
  if (status >= 400) {
    const e = parsed as { jsonrpc?: unknown; error?: { code?: unknown; message?: unknown } };
    if (e.jsonrpc !== "2.0" || !Number.isInteger(e.error?.code) || typeof e.error?.message !== "string") return `${status} error body is not a JSON-RPC error: ${text.slice(0, 200)}`;
  }
  // A routing-header mismatch (2026-07-28) is always HTTP 400, and says which header.
  const rpcError = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (rpcError?.code === -32020) {
    if (status !== 400 || !/^Header mismatch: .*\b(MCP-Protocol-Version|Mcp-Method|Mcp-Name|Mcp-Param-\S+)\b/.test(String(rpcError.message))) return `-32020 with status ${status}: ${text.slice(0, 200)}`;
    headerMismatches++;
  }
  return null;
}

function runRaw(c: RawCase, port: number): Promise<Outcome> {
  const bytes = Buffer.from(c.bytes.toString("latin1").replaceAll("SID", serverId).replaceAll("TOKEN", token).replaceAll("SESSION", session), "latin1");
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (problem: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const got = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      if (problem) return resolve({ status: status ? Number(status[1]) : null, problem });
      if (got.length > 0 && !status) return resolve({ status: null, problem: `not an HTTP response: ${JSON.stringify(got.slice(0, 80))}` });
      if (status && Number(status[1]) === 500) return resolve({ status: 500, problem: `500: ${got.slice(0, 300)}` });
      resolve({ status: status ? Number(status[1]) : null, problem: null });
    };
    // A request the server is still waiting on (a short body, partial headers) ends with no
    // answer when the client goes: fine. What matters is that nothing hangs or crashes.
    const timer = setTimeout(() => finish(null), 3000);
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", () => finish(null));
    socket.on("close", () => finish(null));
    socket.on("connect", () => {
      socket.write(bytes);
      if (c.build === "short-body" || c.build === "partial-headers") socket.end();
    });
  });
}

// ---------------------------------------------------------------------------------------------

describe(`fuzz: ${RUNS} hostile requests against the fast entry point (seed ${SEED})`, () => {
  it("every answer is well-formed, nothing crashes, memory stays flat, and the gateway still serves", { timeout: 600_000 }, async () => {
    const cases = fc.sample(anyCase, { numRuns: RUNS, seed: SEED });
    const port = env.instances.fast!.port;
    const problems: string[] = [];
    const statuses = new Map<string, number>();
    const rss: { at: number; mb: number }[] = [{ at: 0, mb: rssMb() }];
    let next = 0;
    let done = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= cases.length) return;
        const c = cases[i];
        const started = performance.now();
        const out = c.kind === "fetch" ? await runFetch(c) : await runRaw(c, port);
        const ms = performance.now() - started;
        const label = c.kind === "fetch" ? `${c.method}${c.path} auth=${c.auth} session=${c.session} ${JSON.stringify(c.headers)}` : `raw ${c.build}`;
        statuses.set(`${c.kind}:${out.status}`, (statuses.get(`${c.kind}:${out.status}`) ?? 0) + 1);
        if (out.problem) problems.push(`#${i} ${label}: ${out.problem}${c.kind === "fetch" && c.body ? ` [body ${c.body.length} B: ${JSON.stringify(c.body.subarray(0, 100).toString("latin1"))}]` : ""}`);
        if (ms > ANSWER_MS + 1000) problems.push(`#${i} ${label}: took ${Math.round(ms)} ms`);
        done++;
        if (done % 250 === 0) rss.push({ at: done, mb: rssMb() });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await new Promise((r) => setTimeout(r, 1000));
    rss.push({ at: RUNS, mb: rssMb() });

    const tg = env.instances.fast!;
    const failures = tg.output().split("\n").filter((l) => /request failed|uncaught|unhandled|FATAL|heap out of memory/i.test(l));
    console.log(
      `fuzz: ${RUNS} cases, answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, ${headerMismatches} routing-header mismatches refused\n` +
        `RSS (MB) every 250: ${rss.map((r) => r.mb.toFixed(0)).join(" ")}\n` +
        `${problems.length} problems${problems.length ? `:\n  ${problems.slice(0, 40).join("\n  ")}` : ""}\n` +
        (failures.length ? `gateway log:\n  ${failures.slice(0, 20).join("\n  ")}` : ""),
    );

    // The process lived through it and still does its job.
    expect(tg.child.exitCode, "the Toolgate process exited").toBeNull();
    expect((await fetch(`${tg.url}/api/health`)).status).toBe(200);
    const client = await env.connect("fast", serverId, token);
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "still here" } }))).toBe("still here");

    const mid = rss.find((r) => r.at >= RUNS / 2)!;
    const end = rss[rss.length - 1];
    expect(end.mb - mid.mb, `RSS grew from ${mid.mb.toFixed(0)} MB to ${end.mb.toFixed(0)} MB over the second half`).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    expect(problems).toEqual([]);
    expect(headerMismatches, "no case was refused for its routing headers").toBeGreaterThan(0);
    // "request failed" is the HTTP server catching what the gateway threw: never expected.
    expect(failures).toEqual([]);
  });
});

describe("memory under one session's abuse", () => {
  // A minimal upstream that answers every request at once (the SDK server takes about a second
  // per 1 MB message), so the gateway's own memory is what is measured; and a Toolgate of its
  // own with the V8 heap capped, so that garbage cannot pass for growth: with the cap, memory
  // the gateway keeps ends in a crash, memory it drops is collected.
  let fast: http.Server;
  let fastServerId: string;
  let abuser: string;
  let tg: ToolgateProcess;
  beforeAll(async () => {
    fast = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const id = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id?: unknown }).id ?? null;
        res.writeHead(200, { "content-type": "application/json", "mcp-session-id": "fast-session" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "ok" }] } }));
      });
    });
    await new Promise<void>((r) => fast.listen(0, "127.0.0.1", r));
    const { orgId } = await env.newOrg();
    fastServerId = await env.addServer(orgId, `http://127.0.0.1:${(fast.address() as AddressInfo).port}/mcp`);
    await env.publish(orgId, { version: "1", default: "allow" }, { serverId: fastServerId });
    abuser = (await env.grant(orgId, fastServerId, "abuser")).token;
    tg = await startToolgateProcess({ databaseUrl: env.databaseUrl, env: { TOOLGATE_ENCRYPTION_KEY: process.env.TOOLGATE_ENCRYPTION_KEY!, NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}` } });
  });
  afterAll(async () => {
    await tg?.stop();
    fast?.closeAllConnections();
    await new Promise((r) => fast?.close(r));
  });

  it(`1,000 calls with distinct 1 MB tool names in one session: alive under a ${HEAP_CAP_MB} MB heap, memory flat`, { timeout: 600_000 }, async () => {
    const url = `${tg.url}/mcp/${fastServerId}`;
    const init = await postRpc(url, initializeRequest(1), { authorization: `Bearer ${abuser}` });
    const headers = { authorization: `Bearer ${abuser}`, "mcp-session-id": init.headers.get("mcp-session-id")!, "mcp-protocol-version": "2025-06-18" };
    const rss: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const a = await postRpc(url, { jsonrpc: "2.0", id: i, method: "tools/call", params: { name: `${i}-${"n".repeat(1024 * 1024)}`, arguments: {} } }, headers).catch((e: Error) => ({ status: 0, text: e.message }));
      expect(a.status, `call ${i}: ${a.text.slice(0, 200)}\n${tg.output().slice(-2000)}`).toBe(200);
      if (i % 100 === 99) rss.push(rssOf(tg.child.pid!));
    }
    console.log(`RSS every 100 calls (MB): ${rss.map((r) => r.toFixed(0)).join(" ")}`);
    expect(tg.child.exitCode).toBeNull();
    expect(Math.max(...rss.slice(5)) - rss[4], "growth over the second half").toBeLessThan(RSS_GROWTH_LIMIT_MB);
    // Every call is in the audit trail, its tool name cut to a bounded prefix and a digest.
    await expect.poll(() => env.db.auditEvent.count({ where: { serverId: fastServerId } }), { timeout: 20_000 }).toBe(1000);
    const one = await env.db.auditEvent.findFirst({ where: { serverId: fastServerId, requestId: "7" } });
    expect(one?.tool).toMatch(/^7-n+…\[1048578 chars, sha256:[\w-]{16}\]$/);
    expect(one!.tool!.length).toBeLessThanOrEqual(256);
  });
});
