// JSON-RPC 2.0 as MCP uses it: classify what the client sent, and build the error objects
// the gateway answers with itself.

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export type Message =
  | { kind: "request"; msg: JsonRpcRequest }
  | { kind: "notification"; msg: { jsonrpc: "2.0"; method: string; params?: unknown } }
  | { kind: "response"; msg: { jsonrpc: "2.0"; id: JsonRpcId | null; result?: unknown; error?: unknown } }
  | { kind: "invalid"; msg: unknown; reason: string };

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INTERNAL_ERROR = -32603;
/** Implementation-defined server errors (-32000 to -32099). */
export const GATEWAY_ERROR = -32000;
export const UPSTREAM_TIMEOUT = -32001;
export const UPSTREAM_UNAVAILABLE = -32002;
export const POLICY_UNAVAILABLE = -32003;

const isId = (v: unknown): v is JsonRpcId => typeof v === "string" || (typeof v === "number" && Number.isFinite(v));

/**
 * Deepest nesting accepted in a message from a client. JSON.parse copes with any depth, but
 * JSON.stringify (the gateway re-serializes a batch it answered in part) and recursive code
 * everywhere (schema validators, upstream SDKs) overflow the stack a few thousand levels down.
 * No MCP message needs anywhere near this; Python's json stops at the same depth.
 */
export const MAX_NESTING = 1000;

/** What a client's message is; one nested deeper than MAX_NESTING is invalid. (One parameter: callers pass it to Array.map.) */
export function classify(value: unknown): Message {
  return classifyNested(value, MAX_NESTING);
}

/** What an upstream's message is, whatever its depth: the nesting cap protects against clients. */
export function classifyAnswer(value: unknown): Message {
  return classifyNested(value, Infinity);
}

function classifyNested(value: unknown, maxNesting: number): Message {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "invalid", msg: value, reason: "a JSON-RPC message must be an object" };
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return { kind: "invalid", msg: value, reason: 'jsonrpc must be "2.0"' };
  if (maxNesting !== Infinity && deeperThan(value, maxNesting)) return { kind: "invalid", msg: value, reason: `the message is nested deeper than ${maxNesting} levels` };
  if (typeof m.method === "string") {
    if (m.params !== undefined && (typeof m.params !== "object" || m.params === null)) return { kind: "invalid", msg: value, reason: "params must be an object or an array" };
    if (m.id === undefined) return { kind: "notification", msg: m as never };
    if (!isId(m.id)) return { kind: "invalid", msg: value, reason: "id must be a string or a number" };
    return { kind: "request", msg: m as unknown as JsonRpcRequest };
  }
  if ("result" in m || "error" in m) return { kind: "response", msg: m as never };
  return { kind: "invalid", msg: value, reason: "not a request, notification or response" };
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown) {
  return { jsonrpc: "2.0" as const, id, error: data === undefined ? { code, message } : { code, message, data } };
}

export function resultResponse(id: JsonRpcId, result: unknown) {
  return { jsonrpc: "2.0" as const, id, result };
}

/** Key for matching responses to requests: ids 1 and "1" are different requests. */
export function idKey(id: JsonRpcId | null | undefined): string {
  return typeof id === "number" ? `n:${id}` : `s:${id}`;
}

/** Whether objects and arrays nest deeper than `limit` (iterative: it must not overflow the stack it protects). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop()!;
    if (depth > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const child of children) {
      if (typeof child === "object" && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
