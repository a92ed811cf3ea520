/**
 * Where a V8 CPU profile's time goes: self and inclusive time per function, and self time per
 * source area (gateway/, lib/, next, prisma, pg, node internals, GC, idle).
 *   node --import tsx bench/lib/cpuprofile-summary.ts <file.cpuprofile> [--calls N] [--top 40] [--match text]
 * With --calls, times are also shown per call (µs), for a profile taken under a known number of calls.
 * Only samples from the busiest stretch count when --window <s> is given (the last <s> seconds
 * before the process went idle), so start-up and shutdown do not dilute the figures.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args[0];
if (!file) throw new Error("usage: cpuprofile-summary.ts <file.cpuprofile> [--calls N] [--top N] [--match text] [--window s]");
const calls = Number(opt("calls") ?? 0);
const top = Number(opt("top") ?? 40);
const match = opt("match");
const windowS = Number(opt("window") ?? 0);

const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample times, then the window: the last `windowS` seconds that end at the last non-idle sample.
const times: number[] = [];
let t = p.startTime;
for (const d of p.timeDeltas) times.push((t += d));
const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === "(idle)";
let end = p.endTime;
if (windowS) for (let i = p.samples.length - 1; i >= 0; i--) if (!isIdle(p.samples[i])) { end = times[i]; break; }
const start = windowS ? end - windowS * 1e6 : p.startTime;

const self = new Map<number, number>();
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  if (times[i] < start || times[i] > end) continue;
  const dt = p.timeDeltas[i + 1] ?? 0; // a sample's time runs until the next one
  self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
  total += dt;
}

const key = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
function shortUrl(u: string) {
  return u.replace(/^file:\/\//, "").replace(`${ROOT}/`, "").replace(/^.*node_modules\//, "~/");
}
function area(n: Node): string {
  const u = n.callFrame.url, f = n.callFrame.functionName;
  if (!u) return f.startsWith("(") ? f : "(native / V8 builtins)";
  if (u.startsWith("node:")) return "node internals";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return m[1];
  if (!u.includes(ROOT)) return u;
  return /^([^/]+\/(?:[^/]+\/)?)/.exec(u.slice(u.indexOf(ROOT) + ROOT.length + 1))?.[1] ?? u;
}

// Time spent in libraries and node, charged to the nearest project function up the stack (the
// code that asked for it); samples with none on their stack go to the library's own area.
const isOwn = (n: Node) => n.callFrame.url.includes(ROOT) && !n.callFrame.url.includes("/node_modules/");
const ownBy = new Map<string, number>();
const selfBy = new Map<string, number>();
const inclBy = new Map<string, number>();
const areaBy = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + us);
  areaBy.set(area(n), (areaBy.get(area(n)) ?? 0) + us);
  let owner: Node | undefined;
  for (let cur: number | undefined = id; cur !== undefined && !owner; cur = parent.get(cur)) if (isOwn(byId.get(cur)!)) owner = byId.get(cur);
  const ok = owner ? key(owner) : `[no project frame] ${area(n)}`;
  ownBy.set(ok, (ownBy.get(ok) ?? 0) + us);
  // Inclusive: once per distinct function on the stack (recursion counted once).
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclBy.set(k, (inclBy.get(k) ?? 0) + us);
  }
}

const busy = total - (areaBy.get("(idle)") ?? 0);
const fmt = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / busy) * 100).toFixed(1).padStart(5)}%` + (calls ? ` ${(us / calls).toFixed(1).padStart(7)} µs/call` : "");
const print = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].filter(([k]) => !k.includes("(idle)") && (!match || k.includes(match))).sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${fmt(us)}  ${k}`);
};
console.log(`profile: ${((end - start) / 1e6).toFixed(1)} s sampled, busy (not idle) ${(busy / 1e6).toFixed(1)} s; percentages are of busy time`);
print("self time by area", areaBy, 30);
print("self time by function", selfBy, top);
print("inclusive time by function", inclBy, top);
print("time charged to the nearest project function on the stack (self + the libraries it called synchronously)", ownBy, top);
