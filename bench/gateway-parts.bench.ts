/**
 * CPU cost of the per-call steps of the gateway's fast path that the CPU profile points at,
 * each alone in a loop (process.cpuUsage, so time the process spends waiting for a core on a
 * busy machine is not counted). Figures are µs of CPU per call.
 *   node --import tsx bench/gateway-parts.bench.ts
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { hashToken } from "../lib/auth/tokens";
import { SessionSealer } from "../gateway/proxy/session-token";

const N = 200_000;

function cpuPerOp(label: string, n: number, fn: (i: number) => void) {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm-up: JIT
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  const d = process.cpuUsage(before);
  console.log(`| ${label} | ${((d.user + d.system) / n).toFixed(2)} µs |`);
}

const grantToken = `tgg_${randomBytes(32).toString("base64url")}`;
const sealer = new SessionSealer(`v1:${randomBytes(32).toString("base64")}`);
const sessionToken = sealer.seal({ upstreamSessionId: randomBytes(16).toString("hex"), grantId: "gnt_0123456789abcdef", serverId: "srv_0123456789abcdef" });
const opened = new Map([[sessionToken, sealer.open(sessionToken)]]);
const grants = new Map([[grantToken, { id: "gnt_1" }]]);
let sink = 0;

console.log("| step (per call) | CPU |\n| --- | ---: |");
cpuPerOp("hashToken(grant token): SHA-256 before the grant cache lookup", N, () => (sink += hashToken(grantToken).length));
cpuPerOp("…the same lookup keyed by the token itself (Map.get)", N, () => (sink += grants.get(grantToken) ? 1 : 0));
cpuPerOp("SessionSealer.open(session token): AES-256-GCM decrypt + JSON.parse", N, () => (sink += sealer.open(sessionToken)?.iat ?? 0));
cpuPerOp("…a cache of opened tokens (Map.get)", N, () => (sink += opened.get(sessionToken)?.iat ?? 0));
cpuPerOp("AbortController per request, aborted when the response closes (today)", N, () => {
  const c = new AbortController();
  c.signal.addEventListener("abort", () => (sink += 1), { once: true });
  c.abort();
});
cpuPerOp("…aborted only if the response closes unfinished (normal case: no abort)", N, () => {
  const c = new AbortController();
  c.signal.addEventListener("abort", () => (sink += 1), { once: true });
});
const emitter = new EventEmitter();
cpuPerOp("…no AbortController: a 'close' listener on the response, removed when done", N, () => {
  const onClose = () => (sink += 1);
  emitter.once("close", onClose);
  emitter.off("close", onClose);
});
if (sink === 42) console.log(""); // keep the results observable so no loop is optimised away
