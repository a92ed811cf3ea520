import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";
import { freePort } from "../../lib/runtime/free-port";
import pg from "pg";
import { createEventIdGenerator } from "../../gateway/audit/ids";

// The CLI as people and CI run it: `node bin/toolgate.mjs …` child processes against a running
// Toolgate (fresh database) and a real MCP server. Login, servers, the policy round trip (pull,
// edit, validate with an error, fix, diff, push, test), grants and audit tail.

const BIN = path.resolve(import.meta.dirname, "../../bin/toolgate.mjs");

let app: ToolgateProcess;
let upstream: TestUpstream;
let api: ReturnType<typeof apiClient>;
let apiKey: string;
let home: string;
let work: string;
let serverId: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with HOME pointing at a private directory; the login lives there. */
function toolgate(args: string[], opts: { env?: Record<string, string>; input?: string; home?: string } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: opts.home ?? home, NO_COLOR: "1", ...opts.env };
  delete env.XDG_CONFIG_HOME;
  if (!opts.env?.TOOLGATE_URL) delete env.TOOLGATE_URL;
  if (!opts.env?.TOOLGATE_API_KEY) delete env.TOOLGATE_API_KEY;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(opts.input ?? "");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`toolgate ${args.join(" ")} did not finish in 60 s\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const file = (name: string) => path.join(work, name);

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: "cli-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${serverId}`), { requestInit: { headers: bearer(token) } }));
  return client;
}

/** The text of a tool result, or the error the client threw. */
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }> {
  try {
    const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content?: { text?: string }[] };
    return { isError: Boolean(r.isError), text: r.content?.[0]?.text ?? "" };
  } catch (error) {
    return { isError: true, text: error instanceof Error ? error.message : String(error) };
  }
}

let databaseUrl: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), "toolgate-cli-home-"));
  work = mkdtempSync(path.join(tmpdir(), "toolgate-cli-work-"));
  upstream = await startTestUpstream();
  databaseUrl = await freshDatabase("cli");
  app = await startToolgateProcess({ databaseUrl });
  api = apiClient(app.url);
  const email = uniqueEmail("cli");
  expect((await api("POST", "/api/v1/signup", { email, password: PASSWORD })).status).toBe(201);
  const key = await api("POST", "/api/v1/api-keys", { name: "cli", role: "admin" }, basic(email, PASSWORD));
  expect(key.status).toBe(201);
  apiKey = key.body.key;
});

afterAll(async () => {
  await app?.stop();
  await upstream?.close();
  for (const dir of [home, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("toolgate login", () => {
  it("refuses a wrong key and missing flags, then stores the URL and key with mode 0600", { timeout: 180_000 }, async () => {
    const config = path.join(home, ".config/toolgate/config.json");
    const notLoggedIn = await toolgate(["servers", "list"]);
    expect(notLoggedIn).toMatchObject({ code: 1, stderr: expect.stringContaining("not logged in") });

    const wrong = await toolgate(["login", "--url", app.url, "--key", "tgk_not-a-real-key"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("invalid API key");
    expect(existsSync(config)).toBe(false);
    expect((await toolgate(["login", "--url", app.url])).code).toBe(2);
    expect((await toolgate(["login", "--url", "ftp://x", "--key", apiKey])).code).toBe(2);

    const ok = await toolgate(["login", "--url", `${app.url}/`, "--key", "-"], { input: `${apiKey}\n` });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^logged in to http:\/\/localhost:\d+: organization .+ \(org_\w+\), role admin\n$/);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, "utf8"))).toEqual({ url: app.url, apiKey });
  });

  it("lets TOOLGATE_URL and TOOLGATE_API_KEY stand in for a stored login", { timeout: 120_000 }, async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), "toolgate-cli-env-"));
    try {
      const r = await toolgate(["servers", "list", "--json"], { home: elsewhere, env: { TOOLGATE_URL: app.url, TOOLGATE_API_KEY: apiKey } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
      const bad = await toolgate(["servers", "list"], { home: elsewhere, env: { TOOLGATE_URL: app.url, TOOLGATE_API_KEY: "tgk_wrong" } });
      expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining("invalid API key") });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("toolgate servers", () => {
  it("adds a real MCP server (with an upstream header), lists and syncs it", { timeout: 180_000 }, async () => {
    const added = await toolgate(["servers", "add", "--name", "test upstream", "--url", upstream.url, "--header", "X-Api-Key: k-cli"]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^srv_\w+\n$/);
    serverId = added.stdout.trim();
    expect(added.stderr).toContain("listed 7 tools over streamable_http");
    expect(upstream.requests.some((h) => h["x-api-key"] === "k-cli")).toBe(true);

    const list = await toolgate(["servers", "list"]);
    expect(list.code).toBe(0);
    const [header, row] = list.stdout.trim().split("\n");
    expect(header).toMatch(/^ID\s+NAME\s+KIND\s+TOOLS\s+GRANTS\s+SYNCED\s+URL \/ COMMAND$/);
    expect(row).toContain(serverId);
    expect(row).toContain("test upstream");
    expect(row).toMatch(/\s7\s+0\s+\d+ s ago\s/);
    const json = JSON.parse((await toolgate(["servers", "list", "--json"])).stdout);
    expect(json).toMatchObject([{ id: serverId, name: "test upstream", headerNames: ["X-Api-Key"], _count: { tools: 7 } }]);

    const synced = await toolgate(["servers", "sync", serverId]);
    expect(synced).toMatchObject({ code: 0, stdout: `synced ${serverId}: 7 tools over streamable_http (0 added, 0 changed, 0 removed)\n` });
    const unknown = await toolgate(["servers", "sync", "srv_nope"]);
    expect(unknown).toMatchObject({ code: 1, stderr: "error: no server with this id\n" });
  });

  it("exits 1 with the reason when the server is saved but cannot be reached; 2 for usage mistakes", { timeout: 180_000 }, async () => {
    const port = await freePort();
    const down = await toolgate(["servers", "add", "--name", "down", "--url", `http://127.0.0.1:${port}/mcp`]);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^srv_\w+\n$/);
    expect(down.stderr).toMatch(/could not be synced: .*refused/);
    const duplicate = await toolgate(["servers", "add", "--name", "down", "--url", upstream.url]);
    expect(duplicate).toMatchObject({ code: 1, stderr: expect.stringContaining("already exists") });
    const invalid = await toolgate(["servers", "add", "--name", "", "--url", "x"]);
    expect(invalid.code).toBe(2);
    const badUrl = await toolgate(["servers", "add", "--name", "bad", "--url", "ftp://x"]);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain("url: ");
    expect((await toolgate(["servers", "add", "--name", "x", "--url", upstream.url, "--header", "no colon"])).code).toBe(2);
    // Command and connector servers (this Toolgate has command servers off: refused with the reason).
    const cmd = await toolgate(["servers", "add", "--name", "cli-cmd", "--env", "API_TOKEN=t0k", "--shared", "--", "node", "server.js", "-y"]);
    expect(cmd.code).toBe(1);
    expect(cmd.stderr).toContain("command servers are turned off on this Toolgate");
    expect((await toolgate(["servers", "add", "--name", "x", "--url", "http://a", "--", "node"])).code).toBe(2);
    expect((await toolgate(["servers", "add", "--name", "x", "stray"])).stderr).toContain("after `--`");
    const conn = await toolgate(["servers", "add", "--name", "cli-laptop", "--connector", "--idle-timeout", "60"]);
    expect(conn.code, conn.stderr).toBe(0);
    expect(conn.stdout.trim()).toMatch(/^srv_/);
    expect(conn.stderr).toMatch(/connector key \(shown once\): tgc_/);
    expect(conn.stderr).toMatch(/toolgate connect --url http:\/\/(127\.0\.0\.1|localhost):\d+ --key tgc_\S+ -- <command>/);
    const listed = await toolgate(["servers", "list"]);
    expect(listed.stdout).toMatch(/cli-laptop\s+connector\s+0\s+0\s+never\s+connector, offline/);
    expect((await toolgate(["servers", "frobnicate"])).code).toBe(2);
    const help = await toolgate(["servers", "--help"]);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining("toolgate servers add --name NAME --url URL") });
  });
});

describe("toolgate policy: pull, edit, validate, fix, push, test", () => {
  it("round-trips a policy file", { timeout: 480_000 }, async () => {
    const policy = file("policy.json");
    // Nothing published yet: pull says so and points at the recommended policy.
    const none = await toolgate(["policy", "pull", serverId, "-o", policy]);
    expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining("--recommended") });
    const recommended = await toolgate(["policy", "pull", serverId, "--recommended", "-o", policy]);
    expect(recommended.code, recommended.stderr).toBe(0);
    expect(JSON.parse(readFileSync(policy, "utf8"))).toMatchObject({ version: "1", default: "deny" });
    // Version 1, without confirmation in a script: refused with a usage error; with --yes: published.
    expect((await toolgate(["policy", "push", serverId, policy])).code).toBe(2);
    const first = await toolgate(["policy", "push", serverId, policy, "-m", "recommended", "--yes"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^published version 1 of srv_\w+'s policy \(pol_\w+\)\n$/);
    expect(first.stderr).toContain(`--- ${serverId} (nothing published)`);

    // Pull version 1 and edit it: first with a mistake.
    const pulled = await toolgate(["policy", "pull", serverId, "-o", policy]);
    expect(pulled).toMatchObject({ code: 0, stderr: expect.stringContaining(`wrote version 1 of ${serverId}'s policy to ${policy}`) });
    const original = readFileSync(policy, "utf8");
    const doc = JSON.parse(original);
    expect(Object.keys(doc).slice(0, 2)).toEqual(["version", "default"]);
    doc.tools.delete_file = { action: "deny", on_deny: "deleting files is not for agents" };
    doc.tools.echo = { limits: [{ counter: "echo_rate", window: "week", max: 5 }] };
    writeFileSync(policy, JSON.stringify(doc, null, 2));

    const invalid = await toolgate(["policy", "validate", policy]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/^\/tools\/echo\/limits\/0\/window: expected one of `second`, `minute`, `hour`, `day`, got `week` \(line \d+, column \d+\)\n$/);
    // Pushing the mistake: the API's errors, as `path: message`, and version 1 stays live.
    const refused = await toolgate(["policy", "push", serverId, policy, "--yes"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not published, the policy has 1 error (version 1 stays live)");
    expect(refused.stderr).toMatch(/\n\/tools\/echo\/limits\/0\/window: expected one of .*got `week` \(line \d+, column \d+\)\n/);
    expect((await api("GET", `/api/v1/servers/${serverId}/policy`, undefined, bearer(apiKey))).body.version).toBe(1);

    // Fixed: validate passes, diff shows exactly the edit, push publishes version 2.
    doc.tools.echo.limits[0].window = "minute";
    writeFileSync(policy, JSON.stringify(doc, null, 2));
    expect(await toolgate(["policy", "validate", policy])).toMatchObject({ code: 0, stdout: `${policy}: valid policy\n` });
    const diff = await toolgate(["policy", "diff", serverId, policy, "--exit-code"]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain(`--- ${serverId} version 1 (published)\n+++ ${policy}\n@@ `);
    expect(diff.stdout).toContain('\n-      "action": "require_approval",\n');
    expect(diff.stdout).toContain('\n+      "action": "deny",\n');
    expect(diff.stdout).toContain('+      "on_deny": "deleting files is not for agents"\n');
    expect(diff.stdout).toContain('+          "window": "minute",');
    const pushed = await toolgate(["policy", "push", serverId, policy, "-m", "deny delete_file, limit echo", "--yes"]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/^published version 2 of srv_\w+'s policy/);
    expect(pushed.stderr).toContain('+      "action": "deny",');
    expect(pushed.stderr).toMatch(/\d+ lines added, \d+ removed/);
    const versions = await api("GET", `/api/v1/servers/${serverId}/policy/versions`, undefined, bearer(apiKey));
    expect(versions.body.items.map((v: { version: number; message: string }) => [v.version, v.message])).toEqual([
      [2, "deny delete_file, limit echo"],
      [1, "recommended"],
    ]);

    // In sync now: no diff, pushing again publishes nothing, pulling gives the same file.
    expect(await toolgate(["policy", "diff", serverId, policy, "--exit-code"])).toMatchObject({ code: 0, stdout: "", stderr: expect.stringContaining("no differences") });
    expect(await toolgate(["policy", "push", serverId, policy, "--yes"])).toMatchObject({ code: 0, stderr: expect.stringContaining("no changes") });
    const again = await toolgate(["policy", "pull", serverId]);
    expect(JSON.parse(again.stdout)).toEqual(doc);

    // And offline: the decisions of the file.
    const denied = await toolgate(["policy", "test", policy, "--call", '{"tool":"delete_file","args":{"path":"/etc"}}', "--expect", "deny"]);
    expect(denied.code, denied.stderr).toBe(0);
    expect(denied.stdout).toContain("effect:  deny\nrule:    /tools/delete_file/action\nmessage: deleting files is not for agents\n");
    const echo = await toolgate(["policy", "test", policy, "--call", '{"tool":"echo","args":{"message":"hi"}}', "--json"]);
    expect(JSON.parse(echo.stdout)).toMatchObject({ effect: "allow", limits: [{ counter: "echo_rate", max: 5, window: "minute" }] });
  });

  it("reports a file that is not JSON with its position, and unknown servers", { timeout: 120_000 }, async () => {
    writeFileSync(file("broken.json"), '{"version": "1",\n  "default": deny}');
    const broken = await toolgate(["policy", "push", serverId, file("broken.json"), "--yes"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/is not valid JSON\n.*\(line 2, column \d+\)/);
    const unknown = await toolgate(["policy", "pull", "srv_nope"]);
    expect(unknown).toMatchObject({ code: 1, stderr: "error: no server with this id\n" });
    expect((await toolgate(["policy", "push", serverId])).code).toBe(2);
  });
});

describe("toolgate grants and audit tail", () => {
  it("creates a grant (token once, Claude Code snippet), tails the audit log, follows it, revokes the grant", { timeout: 360_000 }, async () => {
    const created = await toolgate(["grants", "create", serverId, "--label", "ci-runner"]);
    expect(created.code, created.stderr).toBe(0);
    const token = /token:\s+(tgg_\S+)/.exec(created.stdout)?.[1];
    const grantId = /^grant (gnt_\w+) \(ci-runner\) on test upstream/.exec(created.stdout)?.[1];
    expect(token).toBeDefined();
    expect(grantId).toBeDefined();
    expect(created.stdout).toContain(`gateway URL: ${app.url}/mcp/${serverId}`);
    expect(created.stdout).toContain(`claude mcp add --transport http test-upstream ${app.url}/mcp/${serverId} --header "Authorization: Bearer ${token}"`);
    expect(created.stderr).toContain("shown this once");
    const listed = await toolgate(["grants", "list", "--server", serverId]);
    expect(listed.stdout).toContain(grantId!);
    expect(listed.stdout).not.toContain(token!);

    // Calls through the gateway with that token: one allowed, one denied by the pushed policy.
    const client = await connect(token!);
    expect(await call(client, "echo", { message: "hello" })).toEqual({ isError: false, text: "hello" });
    const denied = await call(client, "delete_file", { path: "/etc" });
    expect(denied.isError).toBe(true);
    expect(denied.text).toContain("deleting files is not for agents");

    let tail: Run = { code: null, stdout: "", stderr: "" };
    for (let i = 0; i < 30; i++) {
      tail = await toolgate(["audit", "tail", "--server", serverId]);
      if (tail.stdout.trim().split("\n").length >= 2) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(tail.code, tail.stderr).toBe(0);
    const lines = tail.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z\s+allow\s+echo\s+\/tools\/echo$/);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z\s+deny\s+delete_file\s+\/tools\/delete_file\/action$/);
    const json = await toolgate(["audit", "tail", "--server", serverId, "-n", "1", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ tool: "delete_file", decision: "deny", grantId });

    // --follow prints only what happens next, then stops cleanly on Ctrl-C. An event five minutes
    // old gives it an anchor to read the log forwards from (GET /audit?after=…).
    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    const insertEvent = (t: number, tool: string) =>
      sql.query(
        `INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", method, tool, decision, "rulePointer") SELECT $1, $2, "orgId", id, 'tools/call', $3, 'deny', '/default' FROM "Server" WHERE id = $4`,
        [createEventIdGenerator()(t), new Date(t), tool, serverId],
      );
    await insertEvent(Date.now() - 300_000, "old_tool");
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NO_COLOR: "1" };
    delete env.TOOLGATE_URL;
    delete env.TOOLGATE_API_KEY;
    delete env.XDG_CONFIG_HOME;
    const follower = spawn(process.execPath, [BIN, "audit", "tail", "--server", serverId, "--follow", "--interval", "1", "-n", "0"], { cwd: work, env, stdio: ["ignore", "pipe", "pipe"] });
    let followed = "";
    let followErr = "";
    follower.stdout.on("data", (d) => (followed += d));
    follower.stderr.on("data", (d) => (followErr += d));
    const exited = new Promise<number | null>((r) => follower.on("exit", (code) => r(code)));
    try {
      for (let i = 0; i < 300 && !followErr.includes("following new events"); i++) await new Promise((r) => setTimeout(r, 100));
      expect(followErr).toContain("following new events");
      expect(await call(client, "start_dicom_import_job", { datastore_id: "ds-1" })).toMatchObject({ isError: false });
      for (let i = 0; i < 100 && !followed.includes("start_dicom_import_job"); i++) await new Promise((r) => setTimeout(r, 200));
      expect(followed.trim().split("\n"), followErr).toEqual([expect.stringMatching(/Z\s+allow\s+start_dicom_import_job\s+\/tools\/start_dicom_import_job$/)]);
      // An event that reaches the log late (another replica's batch), older than the newest one
      // printed but within the minute looked back: printed too, once.
      await insertEvent(Date.now() - 10_000, "late_tool");
      for (let i = 0; i < 100 && !followed.includes("late_tool"); i++) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 1500));
      expect(followed.trim().split("\n"), followErr).toEqual([expect.stringContaining("start_dicom_import_job"), expect.stringMatching(/Z\s+deny\s+late_tool\s+\/default$/)]);
    } finally {
      follower.kill("SIGINT");
      await sql.end();
    }
    expect(await exited).toBe(0);
    await client.close();

    const revoked = await toolgate(["grants", "revoke", grantId!]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${grantId}\n` });
    expect(await toolgate(["grants", "revoke", grantId!])).toMatchObject({ code: 1, stderr: "error: no active grant with this id\n" });
    const refused = await fetch(`${app.url}/mcp/${serverId}`, {
      method: "POST",
      headers: { ...bearer(token!), "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(refused.status).toBe(401);
    expect((await toolgate(["grants", "list", "--json"])).stdout).not.toContain(grantId!);
    expect((await toolgate(["grants", "list", "--all", "--json"])).stdout).toContain(grantId!);
  });

  it("usage mistakes exit 2 with the command's help", { timeout: 180_000 }, async () => {
    const r = await toolgate(["grants", "create", serverId]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining("missing `--label`") });
    expect(r.stderr).toContain("toolgate grants create SERVER_ID --label LABEL");
    expect((await toolgate(["audit", "tail", "-n", "lots"])).code).toBe(2);
    expect((await toolgate(["audit"])).code).toBe(0);
    expect((await toolgate([])).code).toBe(2);
    const logout = await toolgate(["logout"]);
    expect(logout.code).toBe(0);
    expect((await toolgate(["servers", "list"])).code).toBe(1);
  });
});
