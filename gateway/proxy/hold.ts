import type { Readable } from "node:stream";
import { decideToolCall } from "../enforce/decide-call";
import type { GatewayResponse } from "../http/io";
import type { PolicyHandle } from "../ports";
import type { JsonRpcRequest } from "./jsonrpc";
import type { Exchange } from "./exchange";
import type { GatewayDeps, RequestScope } from "./context";
import { serializeEvent } from "./sse";
import { randomBytes } from "node:crypto";

// Hold mode of require_approval: instead of telling the agent to retry, the gateway keeps the
// call open (an event stream) until a human decides or the rule's hold time runs out, then
// decides again: an approval given meanwhile is used and the call forwarded on the same stream;
// otherwise the agent gets the denial, or the retry-mode answer. While it waits, it sends
// progress notifications when the client asked for progress (the SDK can reset its timeout on
// them), and SSE comments otherwise (which keep proxies from closing an idle stream).
// Held calls poll the approval's state (one indexed read a second each): every replica can
// hold calls whatever replica the decision was made on.
//
// Elicit mode is the same wait, begun by asking the user in the client (URL-mode elicitation,
// for clients that declared it) to open the approval page. The client's answer comes back as
// a JSON-RPC response in a later POST, which the gateway keeps for itself (answerGatewayElicitation):
// "decline" or "cancel" ends the wait at once; "accept" only means the page was opened, the
// approval itself is still what the wait watches for. (If that POST reaches another replica,
// the answer is not seen there and the wait simply runs until a decision or its end.)

export interface HeldCall {
  msg: JsonRpcRequest;
  tool: string;
  args: Record<string, unknown>;
  approvalId: string;
  /** When the hold ends (ms since the epoch): the rule's hold time, or the request's expiry if sooner. */
  until: number;
  /** elicit mode: the approval page the user is asked to open. */
  elicitUrl?: string;
}

/** The ids of elicitations the gateway sent and is waiting on → what to do with the client's answer. */
const elicitations = new Map<string, (action: string) => void>();
const ELICIT_ID_PREFIX = "toolgate-elicit-";

/** True when `response` answers an elicitation of the gateway's own (and was handed to its waiter). */
export function answerGatewayElicitation(response: { id: unknown; result?: unknown; error?: unknown }): boolean {
  if (typeof response.id !== "string" || !response.id.startsWith(ELICIT_ID_PREFIX)) return false;
  const action = (response.result as { action?: unknown } | undefined)?.action;
  elicitations.get(response.id)?.(typeof action === "string" ? action : "cancel");
  return true;
}

/** Whether an initialize request declares URL-mode elicitation (capabilities.elicitation.url). */
export function declaresUrlElicitation(msg: JsonRpcRequest): boolean {
  const elicitation = (msg.params?.capabilities as { elicitation?: { url?: unknown } } | undefined)?.elicitation;
  return typeof elicitation === "object" && elicitation !== null && typeof elicitation.url === "object" && elicitation.url !== null;
}

const POLL_MS = 1_000;
const NOTIFY_EVERY_MS = 5_000;

export async function holdForApproval(
  deps: GatewayDeps,
  scope: RequestScope,
  exchange: Exchange,
  held: HeldCall,
  policy: PolicyHandle | null,
  forward: (scope: RequestScope, body: string) => Promise<void>,
) {
  const { req, res } = scope;
  res.start(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", ...(scope.sessionToken ? { "mcp-session-id": scope.sessionToken } : {}) });
  const progressToken = (held.msg.params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
  const started = Date.now();
  let lastNotice = started;
  let step = 0;
  let declined: string | null = null;
  let elicitId: string | null = null;
  if (held.elicitUrl) {
    elicitId = `${ELICIT_ID_PREFIX}${held.approvalId}-${randomBytes(6).toString("hex")}`;
    elicitations.set(elicitId, (action) => void (action !== "accept" && (declined = action)));
    await res.write(
      serializeEvent(
        { event: "message" },
        JSON.stringify({
          jsonrpc: "2.0",
          id: elicitId,
          method: "elicitation/create",
          params: {
            mode: "url",
            elicitationId: held.approvalId,
            url: held.elicitUrl,
            message: `Toolgate: a human must approve this call to ${held.tool} before it runs. Open the page to review it and approve or deny it (or ask an approver of your organization to).`,
          },
        }),
      ),
    );
  }
  try {
    await waitForDecision();
  } finally {
    if (elicitId) elicitations.delete(elicitId);
  }
  // The client left: the request stays; an approval given later is used by its retry.
  if (req.signal.aborted) return res.end();

  const outcome = await decideToolCall(deps, { grant: scope.grant, server: scope.server, sessionId: scope.sessionKey, policy }, held.msg);
  if (outcome?.forward) {
    // URL-mode elicitation: tell the client the out-of-band interaction is complete.
    if (elicitId) await res.write(serializeEvent({ event: "message" }, JSON.stringify({ jsonrpc: "2.0", method: "notifications/elicitation/complete", params: { elicitationId: held.approvalId } })));
    if (scope.sessionKey && !outcome.probe) deps.history.record(scope.sessionKey, outcome.tool, outcome.category);
    exchange.forwardedIds.push(held.msg.id);
    exchange.track({ kind: "call", id: held.msg.id, tool: outcome.tool, args: held.args, decision: outcome.decision, reservation: outcome.reservation, startedAt: performance.now(), approvalId: outcome.approvalId, operation: outcome.operation, probe: outcome.probe });
    // The tool may have been hidden meanwhile: its stand-in call goes instead (enforce/unknown-tool.ts).
    return forward({ ...scope, res: continueAsStream(res) }, JSON.stringify(outcome.probe?.message ?? held.msg));
  }
  if (!outcome) return res.end();
  exchange.recordCall({ id: held.msg.id, tool: outcome.tool, args: held.args, decision: outcome.decision, approvalId: outcome.approvalId, operation: outcome.operation }, null, null);
  await res.write(serializeEvent({ event: "message" }, JSON.stringify(outcome.response)));
  res.end();

  async function waitForDecision() {
    while (!req.signal.aborted && Date.now() < held.until && declined === null) {
      await sleep(Math.min(POLL_MS, held.until - Date.now()), req.signal);
      if (req.signal.aborted) break;
      const state = await deps.approvals?.get(held.approvalId).catch(() => null);
      if (state && state.status !== "pending") break;
      if (Date.now() - lastNotice >= NOTIFY_EVERY_MS) {
        lastNotice = Date.now();
        const waited = Math.round((lastNotice - started) / 1000);
        await res.write(
          typeof progressToken === "string" || typeof progressToken === "number"
            ? serializeEvent({ event: "message" }, JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken, progress: ++step, message: `waiting for a human to approve this call (approval ${held.approvalId}, ${waited} s so far)` } }))
            : `: waiting for approval ${held.approvalId}\n\n`,
        );
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The held call's stream, continued by the ordinary relay: its status line and headers were
 * sent when the hold began, so an upstream event stream is passed on as it comes, and a JSON
 * answer (or the gateway's own error answer) becomes one event of the stream.
 */
export function continueAsStream(res: GatewayResponse): GatewayResponse {
  let started = false;
  let stream = false;
  const buffered: (string | Uint8Array)[] = [];
  const finish = (chunk?: string | Uint8Array) => {
    if (chunk !== undefined) buffered.push(chunk);
    const text = buffered.map((c) => (typeof c === "string" ? c : Buffer.from(c).toString("utf8"))).join("");
    if (stream) {
      if (text) void res.write(text);
    } else if (text.trim()) {
      void res.write(serializeEvent({ event: "message" }, text));
    }
    res.end();
  };
  return {
    get started() {
      return started;
    },
    start(_status, headers) {
      started = true;
      stream = Object.entries(headers).some(([k, v]) => k.toLowerCase() === "content-type" && v.toLowerCase().startsWith("text/event-stream"));
    },
    async write(chunk) {
      if (stream) await res.write(chunk);
      else buffered.push(chunk);
    },
    end: finish,
    async pipeFrom(source: Readable) {
      try {
        for await (const chunk of source) {
          if (stream) await res.write(chunk as Uint8Array);
          else buffered.push(chunk as Uint8Array);
        }
      } catch {
        /* the upstream went away: what arrived is passed on */
      }
      finish();
    },
  };
}
