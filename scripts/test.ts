// `npm test`: every test, on a fresh machine, with nothing to set up by hand.
//   1. system packages (Chromium, redis-server) — installed when missing
//   2. type check of the whole repo (tsc --noEmit)
//   3. unit tests (vitest project "unit")
//   4. production build of the dashboard (skipped when current)
//   5. integration tests (vitest project "integration": real PostgreSQL, Redis, MCP peers)
//   6. end-to-end journeys (Playwright in Debian's Chromium against `npm start`)
// Ends with one line "tests: N passed, N failed" that counts all of them.
// `--only unit|integration|e2e` runs one stage (with what it needs).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureSystemDeps } from "./test/system-deps";
import { ensureBuild, ROOT } from "./build";

const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const log = (m: string) => console.log(`\n[test] ${m}`);
const results = { passed: 0, failed: 0, skipped: 0 };
/** Names of failed tests, repeated at the end: a CI log cut to its tail still says what failed. */
const failures: string[] = [];
const reports = path.join(ROOT, "test-results");

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const bin = (name: string) => path.join(ROOT, "node_modules/.bin", name);

function countVitest(file: string) {
  if (!existsSync(file)) return false;
  const r = JSON.parse(readFileSync(file, "utf8"));
  results.passed += r.numPassedTests ?? 0;
  results.failed += (r.numFailedTests ?? 0) + (r.numTotalTestSuites && r.success === false && !r.numFailedTests ? 1 : 0);
  results.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const file of r.testResults ?? []) {
    const rel = path.relative(ROOT, file.name ?? "");
    const failed = (file.assertionResults ?? []).filter((a: { status: string }) => a.status === "failed");
    for (const a of failed) failures.push(`${rel} › ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`);
    if (!failed.length && file.status === "failed") failures.push(`${rel}: ${firstLine(file.message)}`);
  }
  return true;
}

interface PwSuite {
  file?: string;
  specs?: { title: string; file?: string; line?: number; tests?: { status: string; results?: { error?: { message?: string } }[] }[] }[];
  suites?: PwSuite[];
}

// eslint-disable-next-line no-control-regex
const firstLine = (m?: string) => (m ?? "").replace(/\x1b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim())?.trim().slice(0, 300) ?? "";

function countPlaywright(file: string) {
  if (!existsSync(file)) return false;
  const s = JSON.parse(readFileSync(file, "utf8")).stats ?? {};
  results.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  results.failed += s.unexpected ?? 0;
  results.skipped += s.skipped ?? 0;
  const walk = (suite: PwSuite, file: string) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== "unexpected") continue;
        const error = t.results?.at(-1)?.error?.message;
        failures.push(`${spec.file ?? file}:${spec.line ?? ""} › ${spec.title}: ${firstLine(error)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, suite.file ?? file);
  };
  for (const suite of JSON.parse(readFileSync(file, "utf8")).suites ?? []) walk(suite, suite.file ?? "");
  return true;
}

async function vitest(project: string): Promise<boolean> {
  const out = path.join(reports, `vitest-${project}.json`);
  rmSync(out, { force: true });
  const code = await run(bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`]);
  if (!countVitest(out)) results.failed += 1; // the runner itself failed before reporting
  return code === 0;
}

async function main() {
  mkdirSync(reports, { recursive: true });
  let ok = true;
  const stage = (name: string) => !only || only === name;

  if (stage("e2e") || stage("integration")) {
    log("checking system packages");
    ensureSystemDeps((m) => console.log(m));
  }
  if (!only) {
    log("type check (tsc --noEmit)");
    if ((await run(bin("tsc"), ["--noEmit", "-p", "."])) !== 0) {
      ok = false;
      results.failed += 1;
      console.error("[test] type check failed (counted as one failure)");
    }
  }
  if (stage("unit")) {
    log("unit tests");
    ok = (await vitest("unit")) && ok;
  }
  if (stage("integration") || stage("e2e")) {
    log("production build");
    await ensureBuild({ log: (m) => console.log(m) });
  }
  if (stage("integration")) {
    log("integration tests");
    ok = (await vitest("integration")) && ok;
  }
  if (stage("e2e")) {
    log("end-to-end tests (Playwright, Chromium)");
    const out = path.join(reports, "playwright.json");
    rmSync(out, { force: true });
    const code = await run(bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
    if (!countPlaywright(out)) results.failed += 1;
    ok = code === 0 && ok;
  }
  if (failures.length) console.log(`\n[test] failed:\n${failures.map((f) => `  ✗ ${f}`).join("\n")}`);
  console.log(`\n[test] ${results.skipped ? `${results.skipped} skipped, ` : ""}see test-results/ for reports`);
  console.log(`tests: ${results.passed} passed, ${results.failed} failed`);
  process.exit(ok && results.failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(`[test] ${err.message}`);
  console.log(`tests: ${results.passed} passed, ${results.failed + 1} failed`);
  process.exit(1);
});
