import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { startTestUpstream, GLUE_OPERATIONS, type TestUpstream } from "../helpers/test-upstream";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";

// Issue 9: a policy of a server names its multiplexed tools' operations as the inventory has them.
// An `operations` name the tool's enum lacks (or a pattern matching none of it) is refused with
// its path wherever a policy of that server enters: publish, simulate, replay, a grant's own.
let app: ToolgateProcess;
let upstream: TestUpstream;
let api: ReturnType<typeof apiClient>;
let sql: pg.Client;
let admin: Record<string, string>;
let serverId: string;
let unsyncedId: string;

const withOperations = (operations: Record<string, unknown>) => ({ version: "1", default: "deny", tools: { manage_aws_glue_jobs: { action: "deny", operations } } });
const TYPO = withOperations({ "get-*": {}, "delet-job": { action: "require_approval" } });
const TYPO_PATH = "/tools/manage_aws_glue_jobs/operations/delet-job";

type ErrorBody = { error: { code: string; message: string; details: { errors: { path: string; message: string }[] } } };

function expectTypoRefused(r: { status: number; body: ErrorBody }) {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.error.code).toBe("validation_failed");
  expect(r.body.error.message).toMatch(new RegExp(`^the policy is invalid: ${TYPO_PATH}: unknown operation \`delet-job\` of \`manage_aws_glue_jobs\`, did you mean \`delete-job\`\\?`));
  // Every error, each with its path; the message lists the operations the tool declares.
  expect(r.body.error.details.errors).toEqual([{ path: TYPO_PATH, message: expect.stringContaining(GLUE_OPERATIONS.map((op) => `\`${op}\``).join(", ")) }]);
}

beforeAll(async () => {
  upstream = await startTestUpstream({ multiplexed: true });
  const databaseUrl = await freshDatabase("ops");
  app = await startToolgateProcess({ databaseUrl });
  api = apiClient(app.url);
  sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  const email = uniqueEmail("ops");
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  admin = bearer((await api("POST", "/api/v1/api-keys", { name: "admin" }, basic(email, PASSWORD))).body.key);
  serverId = (await api("POST", "/api/v1/servers", { name: "glue", url: upstream.url }, admin)).body.server.id;
  unsyncedId = (await api("POST", "/api/v1/servers", { name: "not synced", url: upstream.url, sync: false }, admin)).body.server.id;
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await app?.stop();
  await upstream?.close();
});

describe("operation names validated against the tool's enum", () => {
  it("publish: 400 with the pointer and the valid operations; the previous version stays live", async () => {
    const good = withOperations({ "get-*": {}, "delete-job": { action: "require_approval" }, "start-job-run": {} });
    expect((await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: good }, admin)).status).toBe(200);
    expectTypoRefused(await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: TYPO }, admin));
    const pattern = await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: withOperations({ "remove-*": {} }) }, admin);
    expect(pattern.status).toBe(400);
    expect(pattern.body.error.details.errors).toEqual([{ path: "/tools/manage_aws_glue_jobs/operations/remove-*", message: expect.stringMatching(/^pattern `remove-\*` matches no operation of `manage_aws_glue_jobs`/) }]);
    expect((await api("GET", `/api/v1/servers/${serverId}/policy`, undefined, admin)).body).toMatchObject({ version: 1, document: good });
  });

  it("simulate and replay refuse a draft with the typo; the published policy still simulates", async () => {
    const call = { tool: "manage_aws_glue_jobs", args: { operation: "delete-job" } };
    expectTypoRefused(await api("POST", `/api/v1/servers/${serverId}/policy/simulate`, { policy: TYPO, call }, admin));
    expect((await api("POST", `/api/v1/servers/${serverId}/policy/simulate`, { call }, admin)).body).toMatchObject({ effect: "require_approval", rule: "/tools/manage_aws_glue_jobs/operations/delete-job/action" });
    expectTypoRefused(await api("POST", `/api/v1/servers/${serverId}/policy/replay`, { policy: TYPO, days: 1 }, admin));
  });

  it("a grant's own policy is checked against its server's tools, before any grant exists", async () => {
    const before = (await sql.query(`SELECT count(*)::int AS n FROM "Grant" WHERE "serverId" = $1`, [serverId])).rows[0].n;
    expectTypoRefused(await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "typo", policy: TYPO }, admin));
    expect((await sql.query(`SELECT count(*)::int AS n FROM "Grant" WHERE "serverId" = $1`, [serverId])).rows[0].n).toBe(before);
    const grant = (await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "plain" }, admin)).body;
    expectTypoRefused(await api("PUT", `/api/v1/grants/${grant.id}/policy`, { policy: TYPO }, admin));
  });

  it("a server whose tools are not known yet checks no operation names", async () => {
    expect((await api("PUT", `/api/v1/servers/${unsyncedId}/policy`, { document: TYPO }, admin)).status).toBe(200);
  });
});
