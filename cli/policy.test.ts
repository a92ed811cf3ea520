import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus, type InvalidCase } from "../gateway/policy/testdata/load";
import { main } from "./index";
import type { CliIo } from "./io";

/**
 * The CLI as a user runs it: `node bin/toolgate.mjs ...` in a child process, on files. The
 * in-process runs below cover the branches without paying for a process start each time.
 */

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, "../bin/toolgate.mjs");
const SEED = '{"version":"1","default":"deny","tools":{"start_dicom_import_job":{"limits":[{"counter":"start_dicom_import_job_rate","window":"minute","max":10,"scope":"grant"}]}}}';

let dir: string;
const file = (name: string, text: string) => {
  const where = path.join(dir, name);
  writeFileSync(where, text);
  return where;
};

async function toolgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "toolgate-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("node bin/toolgate.mjs", () => {
  it("validates the seed policy", async () => {
    const result = await toolgate("policy", "validate", file("seed.json", SEED));
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining("valid policy") });
  }, 30_000);

  it("prints every error of an invalid policy as `pointer: message` and exits 1", async () => {
    const text = JSON.stringify({ version: "1", default: "deny", tools: { x: { limits: [{ counter: "c", window: "week", max: -1 }] } } }, null, 2);
    const result = await toolgate("policy", "validate", file("bad.json", text));
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split("\n")).toEqual([
      "/tools/x/limits/0/window: expected one of `second`, `minute`, `hour`, `day`, got `week` (line 9, column 11)",
      "/tools/x/limits/0/max: must be at least 0 (line 10, column 11)",
    ]);
    expect(result.stderr).toContain("2 errors");
  }, 30_000);

  it("prints the decision for a call and exits 0, even when the call is denied", async () => {
    const policy = file("seed-test.json", SEED);
    const allowed = await toolgate("policy", "test", policy, "--call", '{"tool":"start_dicom_import_job","args":{"study":"1.2"}}');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toBe(
      [
        "effect:  allow",
        "rule:    /tools/start_dicom_import_job",
        "message: allowed by `/tools/start_dicom_import_job`",
        "limits:",
        "  - start_dicom_import_job_rate: 10 per minute per grant, cost 1 (rule /tools/start_dicom_import_job/limits/0)",
        "",
      ].join("\n"),
    );
    const denied = await toolgate("policy", "test", policy, "--call", '{"tool":"drop_database","args":{}}', "--grant-label", "ci-runner");
    expect(denied).toMatchObject({ code: 0, stdout: expect.stringContaining("effect:  deny\nrule:    /default\n") });
  }, 30_000);
});

/** Runs the CLI in-process with captured output and files from memory. */
async function inProcess(args: string[], files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readText: (name) => {
      if (!Object.hasOwn(files, name)) throw new Error(`ENOENT: no such file, open '${name}'`);
      return files[name];
    },
  };
  const code = await main(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("toolgate (in process)", () => {
  const policy = JSON.stringify({
    version: "1",
    default: "deny",
    hide: ["debug"],
    tools: {
      deploy: { require: [{ path: "grant.label", op: "eq", value: "release" }, { path: "grant.metadata.team", op: "eq", value: "sre" }] },
      wipe: { action: "require_approval", approval: { timeout_seconds: 60 } },
      create_issue: { validate_input: true },
    },
    categories: { Read: { action: "allow" } },
  });

  it("shows usage, and rejects unknown commands and flags with exit 2", async () => {
    expect((await inProcess([])).code).toBe(2);
    expect((await inProcess(["--help"])).out).toContain("usage: toolgate <command>");
    expect(await inProcess(["frobnicate"])).toMatchObject({ code: 2, err: expect.stringContaining("unknown command `frobnicate`") });
    expect(await inProcess(["policy", "frobnicate"])).toMatchObject({ code: 2, err: expect.stringContaining("unknown subcommand") });
    expect((await inProcess(["policy", "validate", "p.json", "--bogus"], { "p.json": policy })).code).toBe(2);
    expect((await inProcess(["policy", "validate"])).code).toBe(2);
    expect((await inProcess(["policy", "test", "p.json"], { "p.json": policy })).err).toContain("missing `--call");
    expect((await inProcess(["policy", "test", "p.json", "--call", "{"], { "p.json": policy })).err).toContain("`--call` is not valid json");
    expect((await inProcess(["policy", "test", "p.json", "--call", '{"name":"x"}'], { "p.json": policy })).code).toBe(2);
    expect((await inProcess(["policy", "test", "p.json", "--call", '{"tool":"x"}', "--category", "Nope"], { "p.json": policy })).code).toBe(2);
  });

  it("reports an unreadable file as an error at the root", async () => {
    expect(await inProcess(["policy", "validate", "missing.json"])).toMatchObject({
      code: 1,
      out: expect.stringMatching(/^\(root\): cannot read `missing.json`/),
    });
  });

  it("refuses to test calls against an invalid policy", async () => {
    const result = await inProcess(["policy", "test", "p.json", "--call", '{"tool":"x"}'], { "p.json": '{"version":"1"}' });
    expect(result).toMatchObject({ code: 1, out: "/default: missing required field `default` (line 1, column 1)" });
  });

  it("takes the grant, the category and the input schema from flags", async () => {
    const files = { "p.json": policy };
    const deploy = ["policy", "test", "p.json", "--call", '{"tool":"deploy"}'];
    expect((await inProcess([...deploy, "--grant-label", "release", "--grant-metadata", '{"team":"sre"}'], files)).out).toContain("effect:  allow");
    expect((await inProcess([...deploy, "--grant-label", "release"], files)).out).toContain("rule:    /tools/deploy/require/1");
    expect((await inProcess(["policy", "test", "p.json", "--call", '{"tool":"get_x"}', "--category", "Read"], files)).out).toContain("rule:    /categories/Read");
    const issue = ["policy", "test", "p.json", "--call", '{"tool":"create_issue","args":{"title":5}}', "--input-schema", '{"type":"object","properties":{"title":{"type":"string"}}}'];
    expect((await inProcess(issue, files)).out).toContain("`args.title` must be string");
    expect((await inProcess(["policy", "test", "p.json", "--call", '{"tool":"debug"}'], files)).out).toContain("effect:  hide");
  });

  it("prints approvals and JSON, and checks --expect", async () => {
    const files = { "p.json": policy };
    const wipe = ["policy", "test", "p.json", "--call", '{"tool":"wipe"}'];
    expect((await inProcess(wipe, files)).out).toContain("approval: mode retry, expires after 60 s");
    expect(JSON.parse((await inProcess([...wipe, "--json"], files)).out)).toMatchObject({ effect: "require_approval", rule: "/tools/wipe/action" });
    expect((await inProcess([...wipe, "--expect", "require_approval"], files)).code).toBe(0);
    expect(await inProcess([...wipe, "--expect", "allow"], files)).toMatchObject({ code: 1, err: "expected `allow`, got `require_approval`" });
    expect((await inProcess([...wipe, "--expect", "maybe"], files)).code).toBe(2);
  });

  it.each(loadCorpus<InvalidCase[]>("invalid-policies.json").slice(0, 8))("lists the errors of $name with --json", async ({ document, errors }) => {
    const result = await inProcess(["policy", "validate", "p.json", "--json"], { "p.json": JSON.stringify(document) });
    expect(result.code).toBe(1);
    const paths = (JSON.parse(result.out) as { errors: { path: string }[] }).errors.map((error) => error.path).sort();
    expect(paths).toEqual(errors.map((error) => error.path).sort());
  });
});
