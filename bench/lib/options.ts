// Command line and environment of `npm run bench:gateway`. Flags win over environment variables.
//   --quick              smoke run: 1 s warm-up, 3 s per measurement, one round
//   --duration <s>       seconds measured per path and concurrency (BENCH_DURATION, default 10)
//   --warmup <s>         seconds of warm-up before each measurement (BENCH_WARMUP, default 2)
//   --rounds <n>         repeat the whole comparison, report medians (BENCH_ROUNDS, default 1)
//   --connections <a,b>  concurrency levels (BENCH_CONNECTIONS, default 1,32); with --soak, the
//                        highest one replaces the soak's 32 (for profiling)
//   --soak <s>           instead: memory soak of the npm start path at concurrency 32 for <s> s
//   --profile <dir>      the npm start instance writes a V8 CPU profile (.cpuprofile) into <dir>
//   --node-flags "<f>"   extra node flags for the npm start instance, e.g. "--perf-basic-prof" to
//                        attach `perf record -p <pid>` (BENCH_NODE_FLAGS)
export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  connections: number[];
  /** --connections or BENCH_CONNECTIONS was given (the soak then uses it). */
  connectionsGiven: boolean;
  soakSeconds: number | null;
  profileDir: string | null;
  nodeFlags: string[];
  quick: boolean;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flag = (name: string, valueMayStartWithDashes = false) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith("--") && !valueMayStartWithDashes)) throw new Error(`--${name} needs a value`);
    return v;
  };
  const num = (name: string, envName: string, fallback: number) => {
    const raw = flag(name) ?? env[envName];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}/${envName} must be a non-negative number, got ${raw}`);
    return n;
  };
  const quick = argv.includes("--quick");
  const soak = flag("soak");
  const connectionsRaw = flag("connections") ?? env.BENCH_CONNECTIONS;
  const connections = (connectionsRaw ?? "1,32").split(",").map(Number);
  if (connections.some((c) => !Number.isInteger(c) || c < 1)) throw new Error("--connections must be positive integers, e.g. 1,32");
  return {
    durationSeconds: num("duration", "BENCH_DURATION", quick ? 3 : 10),
    warmupSeconds: num("warmup", "BENCH_WARMUP", quick ? 1 : 2),
    rounds: Math.max(1, Math.round(num("rounds", "BENCH_ROUNDS", 1))),
    connections,
    connectionsGiven: connectionsRaw !== undefined,
    soakSeconds: soak === undefined ? null : num("soak", "", 300),
    profileDir: flag("profile") ?? null,
    nodeFlags: (flag("node-flags", true) ?? env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean),
    quick,
  };
}
