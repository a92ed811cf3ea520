/**
 * Policy engine benchmark: decision latency and compile time for policies of 10 to 10,000 rules.
 *
 *   npx tsx bench/policy.bench.ts [--quick]
 *
 * Each policy mixes exact tool names and glob patterns, with conditions and limits on some rules,
 * hidden patterns and all_tools limits. Four kinds of call are timed:
 * - exact:   tools with exact-name rules (the common case), the same five rules at every size;
 * - pattern: tools matched by patterns, names seen before (resolution cached), five likewise;
 * - cold:    tools matched by patterns all over the policy, each name never seen before (walks
 *            the pattern index: the worst case, which real traffic meets once per tool name);
 * - denied:  a deny_if that holds (the decision is built at compile time).
 * A sample times a batch of evaluations with process.hrtime.bigint and divides, because one
 * evaluation is shorter than the timer's resolution; p50/p99 are over samples. The "single"
 * column times evaluations one by one, timer overhead included, as an upper bound.
 */
import { compilePolicy, evaluate, validatePolicy, type CompiledPolicy, type EvaluationContext, type ToolCall } from "../gateway/policy";

const QUICK = process.argv.includes("--quick");
const SIZES = [10, 100, 1_000, 10_000];
const BATCH = 200;
const SAMPLES = QUICK ? 300 : 2_000;
const TARGET_P99_NS = 5_000;

const CONTEXT: EvaluationContext = {
  grant: { id: "gnt_bench", label: "bench", metadata: { team: "perf" } },
  session: { id: "ses_bench", call_count: 3, tool_counts: {}, category_counts: {} },
  server: { id: "srv_bench" },
  org: { id: "org_bench" },
  tool: { category: "Write" },
};

/** Half exact names, half patterns; every 5th rule has conditions, every 3rd a limit. */
function buildDocument(rules: number): Record<string, unknown> {
  const tools: Record<string, unknown> = {};
  for (let i = 0; i < rules; i++) {
    const key = i % 2 === 0 ? `tool_${i}` : `svc${i}_*`;
    const rule: Record<string, unknown> = {};
    if (i % 5 === 0) {
      rule.deny_if = [{ path: "args.amount", op: "gt", value: 10_000 }];
      rule.require = [{ path: "args.env", op: "in", value: ["dev", "staging", "prod"] }];
    }
    if (i % 3 === 0) rule.limits = [{ counter: `rate_${i}`, window: "minute", max: 100, scope: "grant" }];
    tools[key] = rule;
  }
  return {
    version: "1",
    default: "deny",
    hide: ["internal_*", "debug_*"],
    all_tools: { limits: [{ counter: "all", window: "minute", max: 1_000, scope: "grant" }] },
    tools,
  };
}

function compileTimed(document: unknown): { policy: CompiledPolicy; validateMs: number; compileMs: number } {
  const validateStart = process.hrtime.bigint();
  const result = validatePolicy(document);
  const validateMs = Number(process.hrtime.bigint() - validateStart) / 1e6;
  if (!result.ok) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
  const compileStart = process.hrtime.bigint();
  const policy = compilePolicy(result.policy);
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  return { policy, validateMs, compileMs };
}

/**
 * Calls for each workload; a workload cycles through its calls. They pass through JSON like the
 * gateway's do: a name built by a template literal is a rope that V8 flattens on first use, a
 * cost a parsed request never pays.
 */
function workloads(rules: number): Record<string, ToolCall[]> {
  return JSON.parse(JSON.stringify(buildWorkloads(rules))) as Record<string, ToolCall[]>;
}

function buildWorkloads(rules: number): Record<string, ToolCall[]> {
  // The same five rules exist, with the same shape, in every policy size: what changes between
  // sizes is only how many other rules there are, which is what "flat" is about.
  const args = { amount: 5, env: "dev" };
  const exact = [0, 2, 4, 6, 8].map((i) => ({ tool: `tool_${i}`, args }));
  const pattern = [1, 3, 5, 7, 9].map((i) => ({ tool: `svc${i}_read`, args }));
  const count = Math.max(1, Math.floor(rules / 2));
  const pick = (i: number) => ((i * 7919) % count) * 2 + 1;
  const cold = Array.from({ length: BATCH * (SAMPLES + 50) }, (_, i) => ({ tool: `svc${pick(i)}_x${i}`, args: {} }));
  const denied = [{ tool: "tool_0", args: { amount: 50_000, env: "dev" } }];
  return { exact, pattern, cold, denied };
}

let sink = 0;

/** Nanoseconds per evaluation for each batch; the first 10% are warm-up and dropped. */
function timeBatches(policy: CompiledPolicy, calls: ToolCall[]): number[] {
  const perCall: number[] = [];
  let next = 0;
  const warmup = Math.ceil(SAMPLES / 10);
  for (let sample = 0; sample < SAMPLES + warmup; sample++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) {
      sink += evaluate(policy, calls[next], CONTEXT).effect.length;
      next = next + 1 === calls.length ? 0 : next + 1;
    }
    if (sample >= warmup) perCall.push(Number(process.hrtime.bigint() - start) / BATCH);
  }
  return perCall;
}

/** Nanoseconds of single timed evaluations, timer overhead included. */
function timeSingles(policy: CompiledPolicy, calls: ToolCall[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES * 10; i++) {
    const call = calls[i % calls.length];
    const start = process.hrtime.bigint();
    sink += evaluate(policy, call, CONTEXT).effect.length;
    times.push(Number(process.hrtime.bigint() - start));
  }
  return times;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  rules: number;
  workload: string;
  p50: number;
  p99: number;
  singleP99: number;
}

function measure(rules: number, policy: CompiledPolicy): Row[] {
  const rows: Row[] = [];
  for (const [workload, calls] of Object.entries(workloads(rules))) {
    const batches = timeBatches(policy, calls);
    // Cold names must stay unseen: single timings reuse the warm workloads only.
    const singles = workload === "cold" ? [NaN] : timeSingles(policy, calls);
    rows.push({ rules, workload, p50: percentile(batches, 50), p99: percentile(batches, 99), singleP99: percentile(singles, 99) });
  }
  return rows;
}

const ns = (value: number) => (Number.isNaN(value) ? "—" : value < 1_000 ? `${value.toFixed(0)} ns` : `${(value / 1_000).toFixed(2)} µs`);

function printTables(rows: Row[], compiles: { rules: number; validateMs: number; compileMs: number }[]): void {
  console.log(`\nDecision latency (batches of ${BATCH}, ${SAMPLES} samples per row)\n`);
  console.log("| rules | workload | p50 | p99 | single p99 (with timer) |");
  console.log("| ---: | --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(`| ${row.rules} | ${row.workload} | ${ns(row.p50)} | ${ns(row.p99)} | ${ns(row.singleP99)} |`);
  console.log("\nValidation and compile time (median of 5)\n");
  console.log("| rules | validate | compile |");
  console.log("| ---: | ---: | ---: |");
  for (const c of compiles) console.log(`| ${c.rules} | ${c.validateMs.toFixed(2)} ms | ${c.compileMs.toFixed(2)} ms |`);
}

function printTargets(rows: Row[]): void {
  const at = (rules: number, workload: string) => rows.find((row) => row.rules === rules && row.workload === workload)!;
  const worst1k = Math.max(...rows.filter((row) => row.rules === 1_000).map((row) => row.p99));
  const flat = at(10_000, "exact").p50 / at(10, "exact").p50;
  console.log("\nTargets\n");
  console.log(`- decision p99 at 1,000 rules (worst workload): ${ns(worst1k)} — target ≤ 5 µs: ${worst1k <= TARGET_P99_NS ? "met" : "NOT met"}`);
  console.log(`- exact-name p50, 10,000 rules / 10 rules: ${flat.toFixed(2)}× — target flat (≤ 2×): ${flat <= 2 ? "met" : "NOT met"}`);
}

function main(): void {
  console.log(`Policy engine bench: node ${process.version}, ${QUICK ? "quick" : "full"} run`);
  const rows: Row[] = [];
  const compiles: { rules: number; validateMs: number; compileMs: number }[] = [];
  // One discarded round first, so that the first size measured is not also the JIT's warm-up.
  measure(SIZES[0], compileTimed(buildDocument(SIZES[0])).policy);
  for (const rules of SIZES) {
    const document = buildDocument(rules);
    const runs = Array.from({ length: 5 }, () => compileTimed(document));
    compiles.push({
      rules,
      validateMs: percentile(runs.map((run) => run.validateMs), 50),
      compileMs: percentile(runs.map((run) => run.compileMs), 50),
    });
    rows.push(...measure(rules, runs[0].policy));
  }
  printTables(rows, compiles);
  printTargets(rows);
  if (sink === 0) console.log("(unreachable: keeps the results alive)");
}

main();
