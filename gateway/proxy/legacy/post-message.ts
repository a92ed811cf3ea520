import { UPSTREAM_UNAVAILABLE } from "../jsonrpc";
import { sendUpstream } from "../upstream";
import { describeFailure, LegacyError, refusedCredentials } from "./errors";

// One JSON-RPC message to a legacy server's endpoint. The server answers 202 (the answer to a
// request comes on the SSE stream); legacy servers take one message per POST, so a client's
// batch is sent message by message, in order.

/** status: the upstream's HTTP status (null when it could not be reached), for the audit trail. */
export type PostOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: LegacyError };

export async function postToEndpoint(endpoint: URL, headers: Record<string, string>, message: unknown, timeoutMs: number): Promise<PostOutcome> {
  let res;
  try {
    res = await sendUpstream({ url: endpoint, method: "POST", headers, body: JSON.stringify(message), timeoutMs });
  } catch (err) {
    return { ok: false, status: null, error: describeFailure(err) };
  }
  const status = res.statusCode ?? 502;
  if (status >= 200 && status < 300) {
    res.resume();
    return { ok: true, status };
  }
  if (status === 401 || status === 403) {
    res.resume();
    return { ok: false, status, error: refusedCredentials(status) };
  }
  const text = await readSnippet(res);
  // A 4xx is the upstream's verdict on the message and reaches the client as such; a 5xx is the
  // upstream failing, which the gateway reports as 502 like any other upstream failure.
  const reason = `the upstream server refused the message (HTTP ${status}${text ? `: ${text}` : ""})`;
  return { ok: false, status, error: new LegacyError(status < 500 ? status : 502, UPSTREAM_UNAVAILABLE, reason) };
}

/** The start of an error body, for the message: enough to explain, never a whole page. */
async function readSnippet(res: AsyncIterable<unknown> & { destroy(): void }): Promise<string> {
  let text = "";
  try {
    for await (const chunk of res) {
      text += String(chunk);
      if (text.length > 300) break;
    }
  } catch {
    /* the explanation is optional */
  }
  res.destroy();
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}
