import { expect, test, type Locator, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startTestUpstream, type TestUpstream } from "../tests/helpers/test-upstream";
import { signUp, uniqueEmail } from "./helpers";

// Replay in the browser: real calls through the gateway with an SDK client fill the audit log,
// then a draft (echo limited to 3 a minute, delete_file denied) is replayed over them on the
// server's Policy tab, and the numbers on screen are the ones the recorded times imply.

const SHOTS = "test-results/screenshots";
let upstream: TestUpstream;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  upstream = await startTestUpstream();
});
test.afterAll(async () => {
  await upstream?.close();
});

async function shootPanel(page: Page, panel: Locator, name: string) {
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: `${SHOTS}/${name}.png` });
}

async function setDraft(page: Page, draft: unknown) {
  const editor = page.getByRole("textbox", { name: "Policy JSON" });
  const text = JSON.stringify(draft, null, 2);
  await editor.fill(text);
  // The builder holds exactly this text (and not, say, the published policy loading late).
  await expect.poll(async () => (await editor.textContent())?.replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
}

test("replay a draft over recorded gateway traffic and see what would change", async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signUp(page, { email: uniqueEmail("replay"), name: "Rae" });

  const created = await page.request.post("/api/v1/servers", { data: { name: "replayed-upstream", url: upstream.url } });
  expect(created.status()).toBe(201);
  const serverId = ((await created.json()) as { server: { id: string } }).server.id;
  const published = { version: "1", default: "deny", tools: { echo: {}, delete_file: {} } };
  expect((await page.request.put(`/api/v1/servers/${serverId}/policy`, { data: { document: published } })).status()).toBe(200);
  const grant = (await (await page.request.post(`/api/v1/servers/${serverId}/grants`, { data: { label: "ci-runner" } })).json()) as { token: string };

  // Real traffic: 6 echo calls and one delete_file, all allowed by the published policy.
  const client = new Client({ name: "e2e-replay", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`/mcp/${serverId}`, page.url()), { requestInit: { headers: { authorization: `Bearer ${grant.token}` } } }));
  for (let i = 0; i < 6; i++) await client.callTool({ name: "echo", arguments: { message: `m${i}` } });
  await client.callTool({ name: "delete_file", arguments: { path: "/tmp/x" } });
  await client.close();

  // The audit writer stores events in batches: wait for all seven, and read their times.
  let times: number[] = [];
  await expect
    .poll(async () => {
      const r = (await (await page.request.get(`/api/v1/audit?serverId=${serverId}&tool=echo`)).json()) as { items: { time: string }[] };
      times = r.items.map((e) => Date.parse(e.time));
      return times.length;
    })
    .toBe(6);
  // What a limit of 3 a minute refuses, from the recorded minutes (the calls may straddle one).
  const perMinute = new Map<number, number>();
  for (const t of times) perMinute.set(Math.floor(t / 60_000), (perMinute.get(Math.floor(t / 60_000)) ?? 0) + 1);
  const limited = [...perMinute.values()].reduce((s, c) => s + Math.max(0, c - 3), 0);
  await expect
    .poll(async () => ((await (await page.request.get(`/api/v1/audit?serverId=${serverId}`)).json()) as { items: unknown[] }).items.length)
    .toBe(7);

  await page.goto(`/servers/${serverId}/policy`);
  // The builder shows the published policy once it has loaded.
  await expect(page.getByRole("textbox", { name: "Policy JSON" })).toContainText('"delete_file"');
  const panel = page.getByRole("region", { name: "Replay recorded traffic" });
  await expect(panel).toBeVisible();
  await expect(panel.getByText("Choose a period and replay")).toBeVisible();

  await setDraft(page, {
    version: "1",
    default: "deny",
    tools: { echo: { limits: [{ counter: "echo", window: "minute", max: 3, scope: "grant" }] }, delete_file: { action: "deny", on_deny: "deleting is for people" } },
  });
  await panel.getByLabel("Period").selectOption("1");
  await expect(panel.getByLabel("Grant")).toContainText("ci-runner");
  await panel.getByRole("button", { name: "Replay draft" }).click();

  const summary = panel.getByTestId("replay-summary");
  const cell = (v: number) => (v > 0 ? String(v) : "–");
  await expect(summary).toHaveText(`Of 7 calls in the last 24 hours, 1 would now be denied${limited ? ` and ${limited} rate limited` : ""}; ${6 - limited} unchanged.`);
  await expect(panel.getByTestId("replay-newlyDenied")).toHaveText("1");
  await expect(panel.getByTestId("replay-newlyRateLimited")).toHaveText(String(limited));
  await expect(panel.getByTestId("replay-unchanged")).toHaveText(String(6 - limited));

  // Per tool and per grant.
  const byTool = panel.getByRole("table", { name: "By tool" });
  const echoRow = byTool.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "echo", exact: true }) });
  await expect(echoRow.getByRole("cell")).toHaveText(["6", "–", cell(limited), "–", "–", String(6 - limited)]);
  const fileRow = byTool.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "delete_file", exact: true }) });
  await expect(fileRow.getByRole("cell")).toHaveText(["1", "1", "–", "–", "–", "0"]);
  const grantRow = panel.getByRole("table", { name: "By grant" }).getByRole("row").filter({ has: page.getByRole("rowheader", { name: "ci-runner" }) });
  await expect(grantRow.getByRole("cell")).toHaveText(["7", "1", cell(limited), "–", "–", String(6 - limited)]);

  // The changed calls, expanded: before → after with the draft's rule and message.
  await panel.getByText(/Changed calls:/).click();
  const samples = panel.getByRole("list", { name: "Changed calls" });
  await expect(samples.getByRole("listitem")).toHaveCount(Math.min(2, limited) + 1);
  const deleted = samples.getByRole("listitem").filter({ hasText: "delete_file" });
  await expect(deleted).toContainText("allowed");
  await expect(deleted).toContainText("denied");
  await expect(deleted).toContainText("/tools/delete_file/action");
  await expect(deleted).toContainText("deleting is for people");
  if (limited) await expect(samples.getByRole("listitem").filter({ hasText: "echo" }).first()).toContainText("/tools/echo/limits/0");
  await expect(panel).toContainText("7 calls were recorded without argument values");
  await shootPanel(page, panel, "replay-result-1280");
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shootPanel(page, panel, "replay-result-1920");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Editing the draft marks the result stale until it runs again.
  await setDraft(page, published);
  await expect(panel.getByText("The draft changed since this replay")).toBeVisible();
  await panel.getByRole("button", { name: "Replay again" }).click();
  await expect(summary).toHaveText("Of 7 calls in the last 24 hours, none would change.");

  // An invalid draft cannot be replayed until it is fixed.
  await setDraft(page, { version: "1", default: "maybe" });
  await expect(panel.getByRole("button", { name: "Replay again" })).toBeDisabled();
  await expect(panel.getByText("The draft has errors: fix them to replay.")).toBeVisible();

  // A server without traffic: the empty state.
  const quiet = ((await (await page.request.post("/api/v1/servers", { data: { name: "quiet-upstream", url: upstream.url } })).json()) as { server: { id: string } }).server.id;
  await page.goto(`/servers/${quiet}/policy`);
  const quietPanel = page.getByRole("region", { name: "Replay recorded traffic" });
  await quietPanel.getByRole("button", { name: "Replay draft" }).click();
  await expect(quietPanel.getByTestId("replay-empty")).toContainText("No calls recorded in the last 7 days");
  await shootPanel(page, quietPanel, "replay-empty-1280");
});
