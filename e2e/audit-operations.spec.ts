import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startTestUpstream, type TestUpstream } from "../tests/helpers/test-upstream";
import { signUp, uniqueEmail } from "./helpers";

// Issue 9 in the audit log: calls of a multiplexed tool (`manage_aws_glue_jobs`, its operation
// chosen by `operation`) show as "tool · operation"; the Operation filter narrows the log (and
// the page URL), the drawer names the operation and filters by it. Screenshots go to
// test-results/screenshots/.

const SHOTS = "test-results/screenshots";
const TOOL = "manage_aws_glue_jobs";
let upstream: TestUpstream;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  upstream = await startTestUpstream({ multiplexed: true });
});
test.afterAll(async () => {
  await upstream?.close();
});

async function shoot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  if (opts.fullPage !== false) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: opts.fullPage ?? true });
}

test("each call of a multiplexed tool is logged with its operation, and the log filters by it", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signUp(page, { email: uniqueEmail("audit-ops") });
  const created = await page.request.post("/api/v1/servers", { data: { name: "glue", url: upstream.url } });
  expect(created.status()).toBe(201);
  const serverId = ((await created.json()) as { server: { id: string } }).server.id;
  const document = { version: "1", default: "deny", tools: { [TOOL]: { action: "deny", operations: { "get-*": {}, "delete-*": { action: "require_approval" } } } } };
  expect((await page.request.put(`/api/v1/servers/${serverId}/policy`, { data: { document } })).status()).toBe(200);
  const { token } = (await (await page.request.post(`/api/v1/servers/${serverId}/grants`, { data: { label: "glue-agent" } })).json()) as { token: string };

  const client = new Client({ name: "e2e-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseURL}/mcp/${serverId}`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  for (const operation of ["get-job", "delete-job", "stop-job-run"]) await client.callTool({ name: TOOL, arguments: { operation, job_name: "nightly-etl" } });
  await client.close();

  await page.goto("/audit");
  const rows = page.getByRole("table", { name: "Audit events" }).getByRole("row");
  const row = (operation: string) => rows.filter({ hasText: `${TOOL} · ${operation}` });
  await expect(row("get-job")).toHaveCount(1, { timeout: 20_000 });
  await expect(row("stop-job-run")).toHaveCount(1, { timeout: 20_000 });
  await expect(row("get-job")).toContainText("Allowed");
  await expect(row("delete-job")).toContainText("Needs approval");
  await expect(row("delete-job")).toContainText(`/tools/${TOOL}/operations/delete-*/action`);
  await expect(row("stop-job-run")).toContainText("Denied");
  await shoot(page, "audit-operations-1280");

  // The Operation filter: in the URL, and only that operation's calls.
  await page.getByLabel("Operation").fill("delete-job");
  await page.getByLabel("Operation").press("Enter");
  await expect(page).toHaveURL(/[?&]operation=delete-job/);
  await expect(rows.filter({ hasText: TOOL })).toHaveCount(1);
  await expect(row("delete-job")).toHaveCount(1);

  // The drawer names the operation; "Calls of the tool" drops the operation filter again.
  await row("delete-job").getByRole("button", { name: `Details: ${TOOL} · delete-job`, exact: false }).click();
  const drawer = page.getByRole("dialog", { name: new RegExp(`${TOOL} · delete-job`) });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole("button", { name: "Calls of this operation" })).toBeVisible();
  await shoot(page, "audit-operations-drawer-1280", { fullPage: false });
  await drawer.getByRole("button", { name: "Calls of this tool" }).click();
  await expect(page).not.toHaveURL(/operation=/);
  await expect(page).toHaveURL(new RegExp(`[?&]tool=${TOOL}`));
  await expect(rows.filter({ hasText: TOOL })).toHaveCount(3);
});
