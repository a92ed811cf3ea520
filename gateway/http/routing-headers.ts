// MCP 2026-07-28 routing headers (SEP-2243): the Streamable HTTP transport mirrors parts of the
// JSON-RPC body into headers so that load balancers and gateways can route without parsing the
// body. Anything that reads the body MUST check that the two agree, or a header-routed hop and
// the server would act on different requests (the spec: basic/transports/streamable-http.mdx,
// "Request Metadata" → "Server Validation"). This is that check, pure: headers and the parsed
// body in, the first disagreement (or null) out. The caller answers HTTP 400 with -32020.
//
// What is checked, following the spec:
// - MCP-Protocol-Version must equal the body's `_meta["io.modelcontextprotocol/protocolVersion"]`.
// - Mcp-Method must equal `method`.
// - Mcp-Name must equal `params.name` (tools/call, prompts/get), `params.uri` (resources/read) or
//   `params.taskId` (tasks/get, tasks/update, tasks/cancel: the tasks extension's HTTP binding,
//   as the SDK and the conformance suite implement it), after decoding `=?base64?…?=`.
// - Mcp-Param-{Name}, for each property of the tool's inputSchema marked `x-mcp-header`, must
//   decode to the argument's value (strings as-is, integers in decimal and compared as numbers,
//   booleans as "true"/"false").
// - A request of the 2026-07-28 era (its body carries the `_meta` protocol version, or its
//   header names 2026-07-28 or later) MUST carry MCP-Protocol-Version and Mcp-Method, Mcp-Name
//   where the method has one, and Mcp-Param-{Name} for every marked argument that has a value.
//   Older revisions defined none of these headers: a legacy request that carries none passes,
//   and one that carries some has those checked (a hop behind the gateway may route on them).
// - Header names are case-insensitive (the lookup's business: Node and fetch lowercase them),
//   values case-sensitive; optional whitespace around a value is not part of it (RFC 9110 §5.5).
// - A value with characters a header may not carry (outside visible ASCII, space and tab), or a
//   malformed Base64 payload inside the sentinel, is a mismatch too.

/** JSON-RPC error code the spec assigns to a header/body disagreement (HeaderMismatch). */
export const HEADER_MISMATCH = -32020;

/** The first revision whose requests carry the routing headers (revisions are dates). */
export const FIRST_HEADER_REVISION = "2026-07-28";

/** The `_meta` key that carries a 2026-07-28 request's protocol version. */
export const PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion";

export interface RoutingHeaderMismatch {
  /** The header that disagrees, as the spec spells it (e.g. "Mcp-Name", "Mcp-Param-Region"). */
  header: string;
  /** What disagrees, for the client and the audit log: "Header mismatch: …". */
  message: string;
}

/** A request header by lowercase name (GatewayRequest.header). */
export type HeaderLookup = (name: string) => string | undefined;

/** Which `params` field Mcp-Name mirrors, per method. */
const NAME_SOURCE: Readonly<Record<string, string>> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "tasks/get": "taskId",
  "tasks/update": "taskId",
  "tasks/cancel": "taskId",
};

const SENTINEL_PREFIX = "=?base64?";
const SENTINEL_SUFFIX = "?=";
/** Canonical Base64: whole quanta, padding only at the end, and exactly as much as needed. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** What a header value may hold (RFC 9110 §5.5 without obs-text): visible ASCII, space, tab. */
const HEADER_SAFE = /^[\t\x20-\x7e]*$/;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;
/** x-mcp-header values are RFC 9110 tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a POST's routing headers against its parsed body (one JSON-RPC message, or a batch).
 * `inputSchema` is the called tool's, for the Mcp-Param-* headers of a tools/call (from the
 * inventory); without it those are not checked. Returns null when the headers agree.
 */
export function checkRoutingHeaders(header: HeaderLookup, body: unknown, inputSchema?: Readonly<Record<string, unknown>> | null): RoutingHeaderMismatch | null {
  const method = trimmed(header("mcp-method"));
  const name = trimmed(header("mcp-name"));
  if (Array.isArray(body)) {
    // The headers describe one message; 2026-07-28 allows no batches, and no batch can agree.
    if (method !== undefined) return mismatch("Mcp-Method", `the Mcp-Method header names ${quote(method)} but the body is a batch of ${body.length} messages`);
    if (name !== undefined) return mismatch("Mcp-Name", `the Mcp-Name header names ${quote(name)} but the body is a batch of ${body.length} messages`);
    return null;
  }
  if (!isObject(body) || typeof body.method !== "string") return null; // a response, or not JSON-RPC: the shape check's business
  const isRequest = body.id !== undefined;
  const params = isObject(body.params) ? body.params : undefined;
  const version = trimmed(header("mcp-protocol-version"));
  const meta = isObject(params?._meta) ? params._meta : undefined;
  const claimed = meta !== undefined && PROTOCOL_VERSION_META in meta;
  const bodyVersion = claimed ? meta[PROTOCOL_VERSION_META] : undefined;
  const modern = claimed ? typeof bodyVersion === "string" && bodyVersion >= FIRST_HEADER_REVISION : version !== undefined && version >= FIRST_HEADER_REVISION;

  // MCP-Protocol-Version ↔ _meta protocol version.
  if (claimed && version !== undefined && version !== bodyVersion) {
    return mismatch("MCP-Protocol-Version", `the MCP-Protocol-Version header names ${quote(version)} but the body's _meta names ${describe(bodyVersion)}`);
  }
  if (claimed && version === undefined && isRequest) {
    return mismatch("MCP-Protocol-Version", `the body's _meta names protocol version ${describe(bodyVersion)} but the required MCP-Protocol-Version header is absent`);
  }
  if (!claimed && modern && isRequest) {
    return mismatch("MCP-Protocol-Version", `the MCP-Protocol-Version header names ${quote(version!)} but the body's _meta carries no ${PROTOCOL_VERSION_META}`);
  }

  // Mcp-Method ↔ method.
  if (method !== undefined && method !== body.method) return mismatch("Mcp-Method", `the Mcp-Method header names ${quote(method)} but the body's method is ${quote(body.method)}`);
  if (method === undefined && modern && isRequest) return mismatch("Mcp-Method", `the body's method is ${quote(body.method)} but the required Mcp-Method header is absent`);

  // Mcp-Name ↔ params.name / params.uri / params.taskId.
  const field = NAME_SOURCE[body.method];
  if (field !== undefined) {
    const bodyName = typeof params?.[field] === "string" ? (params[field] as string) : undefined;
    if (name !== undefined) {
      const decoded = decodeValue(name);
      if (decoded === INVALID) return mismatch("Mcp-Name", `the Mcp-Name header value ${quote(name)} is not a valid header value (characters outside visible ASCII, or a malformed =?base64?…?= value)`);
      if (decoded !== bodyName) return mismatch("Mcp-Name", `the Mcp-Name header names ${quote(decoded)} but the body's params.${field} is ${describe(params?.[field])}`);
    } else if (modern && isRequest && bodyName !== undefined) {
      return mismatch("Mcp-Name", `the body's params.${field} is ${quote(bodyName)} but the required Mcp-Name header is absent`);
    }
  }

  // Mcp-Param-{Name} ↔ the arguments the tool's schema marks with x-mcp-header.
  if (body.method === "tools/call" && inputSchema) {
    const args = isObject(params?.arguments) ? params.arguments : {};
    for (const decl of headerDeclarations(inputSchema)) {
      const headerName = `Mcp-Param-${decl.name}`;
      const value = trimmed(header(headerName.toLowerCase()));
      const argument = valueAt(args, decl.path);
      const where = `arguments.${decl.path.join(".")}`;
      const expected = argument === undefined || argument === null ? undefined : headerForm(argument);
      if (value === undefined) {
        if (expected !== undefined && modern && isRequest) return mismatch(headerName, `the body's ${where} is ${describe(argument)} but the ${headerName} header is absent`);
        continue;
      }
      const decoded = decodeValue(value);
      if (decoded === INVALID) return mismatch(headerName, `the ${headerName} header value ${quote(value)} is not a valid header value (characters outside visible ASCII, or a malformed =?base64?…?= value)`);
      if (expected === undefined) return mismatch(headerName, `the ${headerName} header carries ${quote(decoded)} but the body's ${where} ${argument === null ? "is null" : argument === undefined ? "is absent" : `is ${describe(argument)}, which no header can carry`}`);
      const numeric = (decl.type === "integer" || decl.type === "number") && typeof argument === "number" && DECIMAL.test(decoded);
      if (numeric ? Number(decoded) !== argument : decoded !== expected) {
        return mismatch(headerName, `the ${headerName} header carries ${quote(decoded)} but the body's ${where} is ${describe(argument)}`);
      }
    }
  }
  return null;
}

/** The tools/call a body is, when it is one with a tool name: whose input schema the check needs. */
export function calledTool(body: unknown): string | null {
  if (!isObject(body) || body.method !== "tools/call" || !isObject(body.params)) return null;
  return typeof body.params.name === "string" ? body.params.name : null;
}

export interface HeaderDeclaration {
  /** The x-mcp-header value: the header is Mcp-Param-{name}. */
  name: string;
  /** The chain of `properties` keys from the schema root to the marked property. */
  path: string[];
  /** The property's JSON Schema type, when it names one. */
  type: string | undefined;
}

/**
 * The arguments an input schema mirrors into headers: properties marked `x-mcp-header` that
 * are reachable from the root through `properties` alone (the only place the spec allows the
 * mark). A mark that is not a token, or that repeats another case-insensitively, makes the tool
 * invalid for clients, which then never call it; it is left out here.
 */
export function headerDeclarations(schema: Readonly<Record<string, unknown>>): HeaderDeclaration[] {
  const out: HeaderDeclaration[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown, path: string[], depth: number) => {
    if (!isObject(node) || depth > 32) return;
    const mark = node["x-mcp-header"];
    if (path.length > 0 && typeof mark === "string" && TOKEN.test(mark) && !seen.has(mark.toLowerCase())) {
      seen.add(mark.toLowerCase());
      out.push({ name: mark, path, type: typeof node.type === "string" ? node.type : undefined });
    }
    if (isObject(node.properties)) for (const [key, child] of Object.entries(node.properties)) visit(child, [...path, key], depth + 1);
  };
  visit(schema, [], 0);
  return out;
}

const INVALID = Symbol("invalid header value");

/** A header value without the optional whitespace around it (RFC 9110 §5.5); undefined when absent. */
function trimmed(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replace(/^[\t ]+|[\t ]+$/g, "");
}

/**
 * A header value as the body would say it: the payload of `=?base64?…?=` (canonical Base64 of
 * UTF-8), anything else as it is. INVALID for characters no header may carry or a bad payload.
 */
export function decodeValue(value: string): string | typeof INVALID {
  if (!HEADER_SAFE.test(value)) return INVALID;
  if (!(value.length >= SENTINEL_PREFIX.length + SENTINEL_SUFFIX.length && value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX))) return value;
  const payload = value.slice(SENTINEL_PREFIX.length, value.length - SENTINEL_SUFFIX.length);
  if (!BASE64.test(payload)) return INVALID;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(payload, "base64"));
  } catch {
    return INVALID;
  }
}

/** An argument as a header carries it; undefined for values no header can carry (objects, arrays, non-finite numbers). */
function headerForm(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function valueAt(root: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function mismatch(header: string, detail: string): RoutingHeaderMismatch {
  return { header, message: `Header mismatch: ${detail}` };
}

/** A value for a message: quoted, and bounded (a header can be kilobytes). */
function quote(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

function describe(value: unknown): string {
  if (value === undefined) return "absent";
  if (typeof value === "string") return quote(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
