import type { LoadResult } from "./load-types";
import type { CpuPerCall } from "./cpu-meter";

// Turns raw results into the table of docs/performance.md: medians over rounds, and the two
// ratios the targets are stated in (per round, then the median and range over rounds).
export type PathKey = "direct" | "bare" | "fast" | "next";
export const PATH_LABEL: Record<PathKey, string> = {
  direct: "direct (no hop)",
  bare: "bare Node reverse proxy (http-proxy, keep-alive)",
  fast: "Toolgate, `npm start` (fast path)",
  next: "Toolgate, Next route-handler adapter",
};
export const TARGET_ADDED = 1.25;
export const TARGET_THROUGHPUT = 0.8;

export type Measured = LoadResult & { cpuUsPerCall: CpuPerCall };
/** results[round][path][connections] */
export type Rounds = Array<Partial<Record<PathKey, Record<number, Measured>>>>;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (v: number) => (v < 10 ? v.toFixed(3) : v.toFixed(1)) + " ms";
const rate = (v: number) => Math.round(v).toLocaleString("en-US");
const times = (xs: number[]) => {
  const m = `${median(xs).toFixed(2)}×`;
  return xs.length > 1 ? `${m} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})` : m;
};

export interface Ratios {
  /** (path p50 − direct p50) ÷ (bare p50 − direct p50) at the lowest concurrency, per round. */
  added: number[];
  addedMs: number[];
  /** path calls/s ÷ bare calls/s at the highest concurrency, per round. */
  throughput: number[];
}

export function ratios(rounds: Rounds, path: PathKey, lo: number, hi: number): Ratios {
  const out: Ratios = { added: [], addedMs: [], throughput: [] };
  for (const r of rounds) {
    const d = r.direct?.[lo], b = r.bare?.[lo], p = r[path]?.[lo];
    if (d && b && p) {
      out.addedMs.push(p.latency.p50 - d.latency.p50);
      out.added.push((p.latency.p50 - d.latency.p50) / (b.latency.p50 - d.latency.p50));
    }
    const bh = r.bare?.[hi], ph = r[path]?.[hi];
    if (bh && ph) out.throughput.push(ph.callsPerSecond / bh.callsPerSecond);
  }
  return out;
}

export function renderTable(rounds: Rounds, paths: PathKey[], connections: number[]): string {
  const lo = Math.min(...connections), hi = Math.max(...connections);
  const head = ["path", ...connections.flatMap((c) => [`p50 @${c}`, `p99 @${c}`, `calls/s @${c}`]), `added per call @${lo}`, "added ÷ bare's", `calls/s @${hi} ÷ bare's`];
  const rows = paths.map((path) => {
    const cells = connections.flatMap((c) => {
      const rs = rounds.map((r) => r[path]?.[c]).filter((x): x is Measured => !!x);
      return [ms(median(rs.map((x) => x.latency.p50))), ms(median(rs.map((x) => x.latency.p99))), rate(median(rs.map((x) => x.callsPerSecond)))];
    });
    const q = ratios(rounds, path, lo, hi);
    const added = path === "direct" ? "—" : `+${ms(median(q.addedMs))}`;
    return [PATH_LABEL[path], ...cells, added, path === "direct" ? "—" : times(q.added), path === "direct" ? "—" : times(q.throughput)];
  });
  return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

export function renderVerdicts(rounds: Rounds, connections: number[]): string[] {
  const lo = Math.min(...connections), hi = Math.max(...connections);
  const q = ratios(rounds, "fast", lo, hi);
  if (!q.added.length || !q.throughput.length) return [];
  const a = median(q.added), t = median(q.throughput);
  const bare = median(rounds.map((r) => r.bare?.[hi]?.callsPerSecond ?? NaN));
  return [
    `added latency per call @${lo}, npm start path: ${a.toFixed(2)}× the bare proxy's (target ≤ ${TARGET_ADDED}×): ${a <= TARGET_ADDED ? "met" : "MISSED"}`,
    `throughput @${hi}, npm start path: ${t.toFixed(2)}× the bare proxy's ${rate(bare)} calls/s (target ≥ ${TARGET_THROUGHPUT}×): ${t >= TARGET_THROUGHPUT ? "met" : "MISSED"}`,
  ];
}

/** CPU microseconds per call answered, per process, at each concurrency (medians over rounds). */
export function renderCpuTable(rounds: Rounds, paths: PathKey[], connections: number[]): string {
  const roles = ["gateway", "gatewayKernel", "upstream", "postgres"] as const;
  const title = { gateway: "proxy process", gatewayKernel: "…in kernel", upstream: "upstream", postgres: "PostgreSQL" };
  const head = ["CPU µs per call", ...connections.flatMap((c) => roles.map((role) => `${title[role]} @${c}`))];
  const rows = paths.map((path) => [
    PATH_LABEL[path],
    ...connections.flatMap((c) =>
      roles.map((role) => {
        const xs = rounds.map((r) => r[path]?.[c]?.cpuUsPerCall[role]).filter((x): x is number => x !== undefined);
        return xs.length ? median(xs).toFixed(0) : "—";
      }),
    ),
  ]);
  return [head, head.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}
