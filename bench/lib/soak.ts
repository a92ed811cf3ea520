import { processCpu, processKernelCpu, startCpuMeter, treeCpu, type CpuPerCall } from "./cpu-meter";
import { auditedCalls, settledAuditCount } from "./database";
import { runLoad } from "./load";
import type { LoadResult } from "./load-types";
import { CALL_BODY } from "./mcp";
import { preparePath } from "./paths";
import { rssMiB, spillUsage } from "./proc-stats";
import { startToolgateWorld } from "./toolgate";

// Memory soak: the `npm start` path at concurrency 32 for N seconds. Every 5 s: the Toolgate
// process's RSS and the audit rows written so far. "Flat" compares the mean RSS of the second
// half with the first; the audit count shows whether batched writes keep up with the calls.
const SAMPLE_EVERY_S = 5;
const DEFAULT_CONNECTIONS = 32;

interface Sample {
  /** Seconds since the measured load began, when RSS was read. */
  t: number;
  rss: number;
  audited: number;
  /** When the audit count came back (the query can take a while on a busy machine). */
  tAudited: number;
}

export interface SoakReport {
  samples: Sample[];
  result: LoadResult;
  /** tools/call answered with 2xx through the path, warm-up and checks included. */
  answered: number;
  audited: number;
  /** CPU time of the Toolgate process and of PostgreSQL per call answered. */
  cpuUsPerCall: CpuPerCall;
  spill: { files: number; bytes: number };
}

export interface SoakOptions {
  seconds: number;
  warmupSeconds: number;
  /** Default 32; another value is for profiling (e.g. one connection: no queueing in the profile). */
  connections?: number;
  profileDir?: string | null;
  nodeFlags?: string[];
}

export async function runSoak(upstreamUrl: string, o: SoakOptions, log: (m: string) => void): Promise<SoakReport> {
  const { seconds, warmupSeconds, profileDir = null, nodeFlags = [] } = o;
  const connections = o.connections ?? DEFAULT_CONNECTIONS;
  const world = await startToolgateWorld(upstreamUrl, ["fast"], log, { profileDir, nodeFlags });
  try {
    const instance = world.instances.fast!;
    const grant = world.seeded.grants.fast;
    const pid = instance.child.pid!;
    const path = await preparePath({ name: "npm start", url: `http://127.0.0.1:${instance.port}/mcp/${world.seeded.serverId}`, token: grant.token });
    log(`soak: Toolgate pid ${pid}; ${warmupSeconds} s warm-up, then ${seconds} s at concurrency ${connections}`);

    const samples: Sample[] = [];
    let t0 = 0;
    let timer: NodeJS.Timeout | undefined;
    const sample = async () => {
      const t = (Date.now() - t0) / 1000;
      const rss = rssMiB(pid);
      const audited = await auditedCalls(world.db, grant.id);
      const s = { t, rss, audited, tAudited: (Date.now() - t0) / 1000 };
      samples.push(s);
      log(`soak: t=${s.t.toFixed(0).padStart(4)} s  rss ${s.rss.toFixed(1)} MiB  audit rows ${s.audited.toLocaleString("en-US")}`);
    };
    const job = { url: path.url, headers: path.headers, body: CALL_BODY, connections, warmupSeconds, durationSeconds: seconds, expectBody: path.expectBody };
    let meter: ReturnType<typeof startCpuMeter> | undefined;
    const result = await runLoad(job, () => {
      meter = startCpuMeter({ gateway: processCpu(pid), gatewayKernel: processKernelCpu(pid), postgres: treeCpu(world.db.postmasterPid) });
      t0 = Date.now();
      void sample();
      timer = setInterval(() => void sample(), SAMPLE_EVERY_S * 1000);
    });
    clearInterval(timer);
    const cpuUsPerCall = meter!(result.ok);
    await sample(); // right after the load stops

    const answered = 2 + result.warmupOk + result.ok; // + the two checked calls of preparePath
    const audited = await settledAuditCount(world.db, grant.id, answered);
    return { samples, result, answered, audited, cpuUsPerCall, spill: spillUsage(instance.dataDir) };
  } finally {
    await world.stop();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function renderSoak(r: SoakReport, seconds: number): string {
  const perSecond = r.result.perSecond;
  // Calls answered by time t on the load generator's clock (it starts with our samples, within
  // milliseconds), counting the whole seconds before t and the share of the current one.
  const answeredBy = (t: number) => {
    const whole = Math.floor(t);
    const sum = perSecond.slice(0, whole).reduce((a, b) => a + b, 0);
    return Math.round(sum + (perSecond[whole] ?? 0) * (t - whole)) + r.result.warmupOk + 2;
  };
  const lines = ["| t (s) | RSS (MiB) | calls answered | audit rows | rows − calls |", "| ---: | ---: | ---: | ---: | ---: |"];
  for (const s of r.samples) {
    const calls = answeredBy(s.tAudited);
    const diff = s.audited - calls;
    lines.push(`| ${s.t.toFixed(0)} | ${s.rss.toFixed(1)} | ${calls.toLocaleString("en-US")} | ${s.audited.toLocaleString("en-US")} | ${diff >= 0 ? "+" : ""}${diff.toLocaleString("en-US")} |`);
  }
  const during = r.samples.filter((s) => s.t <= seconds);
  const first = during.filter((s) => s.t < seconds / 2).map((s) => s.rss);
  const second = during.filter((s) => s.t >= seconds / 2).map((s) => s.rss);
  const growth = (mean(second) / mean(first) - 1) * 100;
  // RSS saws up and down with garbage collection; the lowest point of each minute is what stays
  // live. A leak shows as floors that keep rising; a flat line of floors is flat memory.
  const floors: string[] = [];
  for (let from = 0; from < seconds; from += 60) {
    const inMinute = during.filter((s) => s.t >= from && s.t < from + 60).map((s) => s.rss);
    if (inMinute.length) floors.push(`${from}–${Math.min(from + 60, seconds)} s: ${Math.min(...inMinute).toFixed(0)}`);
  }
  const { ok, errors, non2xx, mismatches, latency } = r.result;
  const pct = (n: number) => `${n >= 0 ? "+" : ""}${n.toFixed(1)}%`;
  return [
    lines.join("\n"),
    "",
    `RSS mean: first half ${mean(first).toFixed(1)} MiB, second half ${mean(second).toFixed(1)} MiB (${pct(growth)}); ` +
      `min ${Math.min(...during.map((s) => s.rss)).toFixed(1)}, max ${Math.max(...during.map((s) => s.rss)).toFixed(1)} MiB`,
    `RSS floor (lowest sample) per minute, MiB: ${floors.join("; ")}`,
    `load: ${ok.toLocaleString("en-US")} calls in ${r.result.seconds.toFixed(0)} s = ${Math.round(r.result.callsPerSecond).toLocaleString("en-US")} calls/s, ` +
      `p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms; non-2xx ${non2xx}, errors ${errors}, bodies not the echo result ${mismatches}`,
    `CPU per call: Toolgate process ${r.cpuUsPerCall.gateway?.toFixed(0)} µs (${r.cpuUsPerCall.gatewayKernel?.toFixed(0)} µs of it in the kernel), PostgreSQL ${r.cpuUsPerCall.postgres?.toFixed(0)} µs`,
    `audit: ${r.audited.toLocaleString("en-US")} tools/call rows written for ${r.answered.toLocaleString("en-US")} calls answered ` +
      `(${r.audited - r.answered >= 0 ? "+" : ""}${r.audited - r.answered}: calls in flight when a run stops are audited but not counted as answered); ` +
      `spilled to disk: ${r.spill.files} file(s), ${r.spill.bytes} bytes`,
  ].join("\n");
}
