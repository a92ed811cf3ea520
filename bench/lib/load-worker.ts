// The load generator, run as a child process so it never shares an event loop with the servers
// it measures. Receives one LoadJob over IPC, runs an autocannon warm-up then the measurement,
// sends back a LoadResult and exits.
import autocannon from "autocannon";
import { LatencySamples } from "./latency";
import type { LoadJob, LoadResult } from "./load-types";

async function run(job: LoadJob): Promise<LoadResult> {
  const base = { url: job.url, method: "POST" as const, headers: job.headers, body: job.body, connections: job.connections, pipelining: 1 };
  const warmup = job.warmupSeconds > 0 ? await autocannon({ ...base, duration: job.warmupSeconds }) : null;

  const samples = new LatencySamples();
  const mismatchSamples: string[] = [];
  const perSecond: number[] = [];
  process.send!({ started: true }); // lets the parent line its samples up with this clock
  const started = process.hrtime.bigint();
  const instance = autocannon(
    {
      ...base,
      duration: job.durationSeconds,
      setupClient(client) {
        client.on("response", (status: number, _bytes: number, ms: number) => {
          if (status < 200 || status >= 300) return;
          samples.add(ms);
          const second = Math.floor(Number(process.hrtime.bigint() - started) / 1e9);
          perSecond[second] = (perSecond[second] ?? 0) + 1;
        });
      },
      // Every answer is checked, not a sample: a policy error or a lost session would otherwise
      // look like a very fast success.
      verifyBody(body: unknown) {
        if (body === job.expectBody) return true;
        if (mismatchSamples.length < 3) mismatchSamples.push(String(body).slice(0, 500));
        return false;
      },
    },
    () => {},
  );
  const result = await new Promise<autocannon.Result>((resolve) => instance.once("done", resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    connections: job.connections,
    seconds,
    warmupOk: warmup ? warmup["2xx"] : 0,
    ok: samples.count,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    mismatchSamples,
    callsPerSecond: samples.count / seconds,
    latency: samples.summary(),
    perSecond: Array.from(perSecond, (n) => n ?? 0),
  };
}

process.once("message", (job: LoadJob) => {
  run(job).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err: Error) => process.send!({ error: err.stack ?? err.message }, () => process.exit(1)),
  );
});
// Orphaned (the benchmark died): stop generating load.
process.once("disconnect", () => process.exit(1));
