/**
 * Gateway benchmark: the same fast MCP upstream reached directly, through a bare Node reverse
 * proxy, through Toolgate as `npm start` serves it, and through Next's route-handler adapter.
 * p50/p99 latency and calls per second at each concurrency, ratios against the bare proxy.
 *
 *   npm run bench:gateway                      # 2 s warm-up + 10 s per path and concurrency
 *   npm run bench:gateway -- --quick           # smoke run (1 s + 3 s)
 *   npm run bench:gateway -- --rounds 3        # repeat, report medians and ratio ranges
 *   npm run bench:gateway -- --soak 300        # memory soak of the npm start path instead
 *   npm run bench:gateway -- --soak 20 --profile /tmp/prof   # CPU profile of the npm start path
 * Options and their environment variables: bench/lib/options.ts. Loopback only.
 *
 * Every server and the load generator run in processes of their own; this process only
 * orchestrates (it is idle while load runs). Every answer under load is compared with a checked
 * echo result, and audit rows are counted afterwards.
 */
import { cpus, loadavg } from "node:os";
import { startChild, stopAllChildren, type Child } from "./lib/children";
import { processCpu, processKernelCpu, startCpuMeter, treeCpu } from "./lib/cpu-meter";
import { settledAuditCount } from "./lib/database";
import { runLoad } from "./lib/load";
import type { LoadResult } from "./lib/load-types";
import { CALL_BODY } from "./lib/mcp";
import { parseOptions, type BenchOptions } from "./lib/options";
import { preparePath, type ReadyPath } from "./lib/paths";
import { PATH_LABEL, renderCpuTable, renderTable, renderVerdicts, type PathKey, type Rounds } from "./lib/report";
import { renderSoak, runSoak } from "./lib/soak";
import { startToolgateWorld, type ToolgateWorld } from "./lib/toolgate";

const log = (m: string) => console.log(`bench: ${m}`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function compare(opts: BenchOptions, upstream: Child): Promise<boolean> {
  const upstreamPort = upstream.port;
  const bare = await startChild("bare proxy", "bench/lib/bare-proxy.ts", { BENCH_TARGET: `http://127.0.0.1:${upstreamPort}` });
  const world = await startToolgateWorld(`http://127.0.0.1:${upstreamPort}/mcp`, ["fast", "next"], log, { profileDir: opts.profileDir, nodeFlags: opts.nodeFlags });
  try {
    const gw = (e: "fast" | "next") => `http://127.0.0.1:${world.instances[e]!.port}/mcp/${world.seeded.serverId}`;
    const paths: Record<PathKey, ReadyPath> = {
      direct: await preparePath({ name: "direct", url: `http://127.0.0.1:${upstreamPort}/mcp`, token: null }),
      bare: await preparePath({ name: "bare proxy", url: `http://127.0.0.1:${bare.port}/mcp`, token: null }),
      fast: await preparePath({ name: "npm start", url: gw("fast"), token: world.seeded.grants.fast.token }),
      next: await preparePath({ name: "route handler", url: gw("next"), token: world.seeded.grants.next.token }),
    };
    const keys = Object.keys(paths) as PathKey[];
    const gatewayPid: Record<PathKey, number | null> = { direct: null, bare: bare.pid, fast: world.instances.fast!.child.pid!, next: world.instances.next!.child.pid! };
    const rounds: Rounds = [];
    // Paths alternate within each round, so drift on a shared machine hits all of them alike.
    for (let round = 1; round <= opts.rounds; round++) {
      const r: Rounds[number] = {};
      rounds.push(r);
      for (const c of opts.connections) {
        for (const key of keys) {
          const p = paths[key];
          const pid = gatewayPid[key];
          let meter: ReturnType<typeof startCpuMeter> | undefined;
          const job = { url: p.url, headers: p.headers, body: CALL_BODY, connections: c, warmupSeconds: opts.warmupSeconds, durationSeconds: opts.durationSeconds, expectBody: p.expectBody };
          const res = await runLoad(job, () => {
            meter = startCpuMeter({ upstream: processCpu(upstream.pid), ...(pid ? { gateway: processCpu(pid), gatewayKernel: processKernelCpu(pid) } : {}), postgres: treeCpu(world.db.postmasterPid) });
          });
          (r[key] ??= {})[c] = { ...res, cpuUsPerCall: meter!(res.ok) };
          log(`round ${round} @${c} ${key}: ${fmt(res.callsPerSecond)} calls/s, p50 ${res.latency.p50.toFixed(3)} ms, p99 ${res.latency.p99.toFixed(3)} ms (load average ${loadavg()[0].toFixed(1)})` + problems(res));
        }
      }
    }
    const correct = await checkCorrectness(world, rounds, keys);
    console.log(`\n${renderTable(rounds, keys, opts.connections)}\n`);
    console.log(`${renderCpuTable(rounds, keys, opts.connections)}\n`);
    for (const v of renderVerdicts(rounds, opts.connections)) console.log(v);
    console.log(`machine: ${cpus().length} CPUs, load average (1, 5, 15 min) at the end ${loadavg().map((l) => l.toFixed(1)).join(", ")}; other work on the machine lowers every path's figures, the bare proxy's included`);
    console.log(`(${opts.rounds} round(s) of ${opts.warmupSeconds} s warm-up + ${opts.durationSeconds} s per path and concurrency; latency and calls/s are medians over rounds, ratios the median (range) of per-round ratios)`);
    return correct;
  } finally {
    await world.stop();
    await bare.stop();
  }
}

function problems(r: LoadResult): string {
  const bad = r.non2xx + r.errors + r.mismatches;
  return bad ? ` — non-2xx ${r.non2xx}, errors ${r.errors} (timeouts ${r.timeouts}), wrong bodies ${r.mismatches}: ${r.mismatchSamples[0] ?? ""}` : "";
}

/** Every answer was the echo result, and each Toolgate instance audited every call it answered. */
async function checkCorrectness(world: ToolgateWorld, rounds: Rounds, keys: PathKey[]): Promise<boolean> {
  let ok = true;
  console.log("\ncorrectness:");
  for (const key of keys) {
    const rs = rounds.flatMap((r) => Object.values(r[key] ?? {}));
    const bad = rs.reduce((a, r) => a + r.non2xx + r.errors + r.mismatches, 0);
    const answered = rs.reduce((a, r) => a + r.ok, 0);
    console.log(`  ${PATH_LABEL[key]}: ${fmt(answered)} measured answers compared byte for byte with the echo result; ${bad} failed (non-2xx, errors, other bodies)`);
    if (bad) ok = false;
  }
  for (const entry of ["fast", "next"] as const) {
    const rs = rounds.flatMap((r) => Object.values(r[entry] ?? {}));
    const answered = 2 + rs.reduce((a, r) => a + r.warmupOk + r.ok, 0);
    // Each autocannon run (warm-up and measurement alike) stops with up to `connections` calls
    // in flight: Toolgate answers and audits them, the generator no longer counts them.
    const inFlightAtStops = rs.reduce((a, r) => a + r.connections * (r.warmupOk > 0 ? 2 : 1), 0);
    const audited = await settledAuditCount(world.db, world.seeded.grants[entry].id, answered);
    const fine = audited >= answered && audited <= answered + inFlightAtStops;
    console.log(`  audit, ${PATH_LABEL[entry]}: ${fmt(audited)} tools/call rows for ${fmt(answered)} calls answered (warm-ups included; up to ${inFlightAtStops} more were in flight when runs stopped): ${fine ? "ok" : "MISMATCH"}`);
    if (!fine) ok = false;
  }
  return ok;
}

async function main() {
  const opts = parseOptions(process.argv.slice(2), process.env);
  log(`rate limiter: ${process.env.REDIS_URL ? "Redis (REDIS_URL)" : "memory"}; audit writer on (PostgreSQL)`);
  const upstream = await startChild("upstream", "bench/lib/upstream-server.ts");
  try {
    if (opts.soakSeconds !== null) {
      const report = await runSoak(
        `http://127.0.0.1:${upstream.port}/mcp`,
        { seconds: opts.soakSeconds, warmupSeconds: opts.warmupSeconds, profileDir: opts.profileDir, nodeFlags: opts.nodeFlags, connections: opts.connectionsGiven ? Math.max(...opts.connections) : undefined },
        log,
      );
      console.log(`\n${renderSoak(report, opts.soakSeconds)}`);
      return report.result.non2xx + report.result.errors + report.result.mismatches === 0;
    }
    return await compare(opts, upstream);
  } finally {
    await stopAllChildren();
  }
}

// Ctrl-C: stop the servers we started before leaving (the load generator and the children
// also exit by themselves when this process's IPC channel closes).
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: stopping`);
    stopAllChildren().finally(() => process.exit(130));
  });
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: Error) => {
    console.error(`bench: ${err.stack ?? err.message}`);
    stopAllChildren().finally(() => process.exit(1));
  },
);
