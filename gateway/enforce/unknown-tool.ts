import { randomBytes } from "node:crypto";
import type { Decision } from "../policy";
import type { JsonRpcRequest } from "../proxy/jsonrpc";

// Hidden means unknown. A call of a hidden tool, or of one the server does not list, must get
// exactly what the server answers for a tool it does not have: the same error code or result,
// the same message shape, the same HTTP status, even the same time to answer — otherwise an
// agent can find hidden tools by probing names. No gateway-written imitation can match every
// server, so the gateway asks the server itself: it forwards a stand-in call of a name that
// cannot exist (no arguments, so nothing of the hidden call reaches the server) and tells the
// answer as the tool's, the stand-in name replaced by the one the agent asked for.

export interface UnknownToolProbe {
  /** The stand-in name, unique per call. */
  name: string;
  /** What is forwarded instead of the agent's call: same id, the stand-in name. */
  message: JsonRpcRequest;
}

const PROBE_PREFIX = "toolgate-unknown-tool-";

export function probeFor(msg: JsonRpcRequest, tool: string, decision: Decision) {
  const name = `${PROBE_PREFIX}${randomBytes(9).toString("base64url")}`;
  const params: Record<string, unknown> = { name };
  // The arguments' presence is kept (a server may answer differently without them), never their values.
  if (msg.params?.arguments !== undefined) params.arguments = {};
  // The request's own metadata stays (2026-07-28 carries the protocol version and client in it).
  if (msg.params?._meta !== undefined) params._meta = msg.params._meta;
  const message: JsonRpcRequest = { jsonrpc: "2.0", id: msg.id, method: "tools/call", params };
  return { forward: true as const, tool, decision, reservation: null, probe: { name, message } };
}

/** The server's answer to the stand-in call, told as the answer for `tool`: every occurrence of the stand-in name replaced. */
export function answerAsTool<T>(answer: T, probe: UnknownToolProbe, tool: string): T {
  // On the JSON text (the stand-in name needs no escaping; the tool's name is escaped as JSON
  // escapes it), so that an answer of any depth costs no recursion here.
  const text = JSON.stringify(answer);
  if (!text.includes(probe.name)) return answer;
  return JSON.parse(text.split(probe.name).join(JSON.stringify(tool).slice(1, -1))) as T;
}
