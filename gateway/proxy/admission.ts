import { idKey, type JsonRpcId, type Message } from "./jsonrpc";
import type { Decision } from "../policy";

// What may cross the gateway at all, before any policy runs. Complete mediation: every message
// the client sends is classified here, and a message policy would govern but could not decide
// on (a tools/call without an id, with params that are not an object, with no usable name) is
// answered by the gateway and never forwarded. A batch whose requests share an id is refused
// whole: answers are matched to requests by id, so a second request with the same id could take
// the first one's place (an unfiltered tools/list answer, one audit event for two calls).

/** The protocol revision a request speaks when it does not say (the spec's rule for servers). */
export const DEFAULT_PROTOCOL_VERSION = "2025-03-26";
/** The first revision without JSON-RPC batching ("MUST be a single JSON-RPC message"). */
const FIRST_WITHOUT_BATCHES = "2025-06-18";

export interface BatchRefusal {
  message: string;
}

/**
 * Why a POST's messages are refused whole, or null. `protocolVersion` is the request's
 * MCP-Protocol-Version header (absent: the default revision, or an initialize's own).
 */
export function refuseBatch(messages: readonly Message[], batch: boolean, protocolVersion: string | undefined): BatchRefusal | null {
  if (!batch) return null;
  const version = protocolVersion ?? initializeVersion(messages) ?? DEFAULT_PROTOCOL_VERSION;
  if (version >= FIRST_WITHOUT_BATCHES) {
    return { message: `Invalid Request: protocol version ${version} does not allow JSON-RPC batches; send one message per POST` };
  }
  const seen = new Set<string>();
  for (const m of messages) {
    if (m.kind !== "request") continue;
    const key = idKey(m.msg.id);
    if (seen.has(key)) return { message: `Invalid Request: more than one request in this batch has the id ${JSON.stringify(m.msg.id)}; every request needs its own id` };
    seen.add(key);
  }
  return null;
}

function initializeVersion(messages: readonly Message[]): string | undefined {
  for (const m of messages) {
    if (m.kind === "request" && m.msg.method === "initialize") {
      const v = m.msg.params?.protocolVersion;
      if (typeof v === "string") return v;
    }
  }
  return undefined;
}

/** How a request refused before policy is audited: denied, by no rule, saying why. */
export function refusedDecision(message: string, reason = "malformed request"): Decision {
  return { effect: "deny", rule: null, message, reason, limits: [] };
}

/** A tools/call the gateway cannot decide on, and what it answers instead. */
export interface MalformedCall {
  /** The request id, or null for a tools/call sent as a notification. */
  id: JsonRpcId | null;
  /** The tool name as far as it can be told (for the audit log), or "" when there is none. */
  tool: string;
  code: number;
  message: string;
}

export const INVALID_REQUEST_CODE = -32600;
export const INVALID_PARAMS_CODE = -32602;

/** Longest tool name written into a refusal's message (the audit event bounds its own copy). */
const NAME_IN_MESSAGE = 128;

/**
 * Whether a message is a tools/call that must be refused before policy: sent without an id (a
 * notification would be forwarded with no decision and no answer), with params that are not an
 * object, without a non-empty string name, or with arguments that are not an object (policy
 * would read other arguments than the server). Null for anything else.
 */
export function malformedCall(m: Message): MalformedCall | null {
  if (m.kind !== "request" && m.kind !== "notification") return null;
  if (m.msg.method !== "tools/call") return null;
  const params = m.msg.params as unknown;
  const name = typeof params === "object" && params !== null && !Array.isArray(params) ? (params as { name?: unknown }).name : undefined;
  const tool = typeof name === "string" ? name : name === undefined ? "" : (JSON.stringify(name) ?? "");
  if (m.kind === "notification") {
    return { id: null, tool, code: INVALID_REQUEST_CODE, message: "Invalid Request: tools/call must be a request with an id, not a notification; it was not forwarded" };
  }
  const id = m.msg.id;
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    return { id, tool, code: INVALID_PARAMS_CODE, message: "Invalid params: tools/call params must be an object with the tool's name and arguments" };
  }
  if (typeof name !== "string" || name === "") {
    return { id, tool, code: INVALID_PARAMS_CODE, message: "Invalid params: tools/call params.name must be a non-empty string" };
  }
  const args = (params as { arguments?: unknown }).arguments;
  if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
    return { id, tool, code: INVALID_PARAMS_CODE, message: `Invalid params: the arguments of ${name.slice(0, NAME_IN_MESSAGE)} must be an object` };
  }
  return null;
}
