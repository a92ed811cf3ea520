import type { GatewayResponse } from "./io";
import { errorResponse, type JsonRpcId } from "../proxy/jsonrpc";

export function sendJson(res: GatewayResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.start(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** An HTTP-level failure with a JSON-RPC error body, as MCP servers answer them. */
export function sendRpcError(res: GatewayResponse, status: number, code: number, message: string, headers: Record<string, string> = {}, id: JsonRpcId | null = null) {
  sendJson(res, status, errorResponse(id, code, message), headers);
}
