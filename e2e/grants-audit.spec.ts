import { expect, test, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startTestUpstream, type TestUpstream } from "../tests/helpers/test-upstream";
import { PASSWORD, signUp, uniqueEmail } from "./helpers";

// The grants and audit journey: a server (a real MCP server this test starts) and its policy
// through the API, a grant created in the dashboard, its Claude Code snippet copied, an MCP
// client using that URL and token (one call allowed, one denied), both calls in the audit log
// with their rule, the event drawer, the CSV export; then rotate and revoke. Screenshots of
// each page at 1280 and 390 px go to test-results/screenshots/.

const SHOTS = "test-results/screenshots";
let upstream: TestUpstream;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  upstream = await startTestUpstream();
});
test.afterAll(async () => {
  await upstream?.close();
});

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

async function shoot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  // From the top: the sidebar is sticky, and a full-page shot taken scrolled shows it mid-page.
  if (opts.fullPage !== false) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: opts.fullPage ?? true });
}

async function connect(url: string, token: string) {
  const client = new Client({ name: "e2e-agent", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

function textOf(result: unknown): string {
  return (result as { content?: { text?: string }[] }).content?.[0]?.text ?? "";
}

test("create a grant, copy its snippet, call through the gateway, and find both calls in the audit log", async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, { email: uniqueEmail("grants"), name: "Gale" });

  // A server and its policy, through the API (the dashboard session authenticates page.request).
  const created = await page.request.post("/api/v1/servers", { data: { name: "test-upstream", url: upstream.url, sync: false } });
  expect(created.status()).toBe(201);
  const serverId = ((await created.json()) as { server: { id: string } }).server.id;
  const published = await page.request.put(`/api/v1/servers/${serverId}/policy`, { data: { document: { version: "1", default: "deny", tools: { echo: {} } } } });
  expect(published.status()).toBe(200);

  // An empty audit log explains how events appear.
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "No calls in the last 24 h" })).toBeVisible();
  await expect(page.getByText("Events appear here as agents call tools")).toBeVisible();
  await shoot(page, "audit-empty-1280");

  // Create the grant in the dashboard: the token is shown once, with the snippets.
  await page.goto("/grants");
  await expect(page.getByRole("heading", { name: "No grants yet" })).toBeVisible();
  await shoot(page, "grants-empty-1280");
  await page.getByLabel("Label").fill("e2e-agent");
  await expect(page.getByLabel("Server")).toHaveValue(serverId);
  await page.getByRole("button", { name: "Create grant" }).click();
  const reveal = page.getByTestId("token-reveal");
  await expect(reveal.getByRole("heading", { name: "Grant “e2e-agent” is ready" })).toBeFocused();
  await expect(reveal).toContainText("you won’t see it again");
  const token = await reveal.getByRole("textbox", { name: "Token" }).inputValue();
  expect(token).toMatch(/^tgg_/);
  const gatewayUrl = await reveal.getByRole("textbox", { name: "Gateway URL" }).inputValue();
  expect(gatewayUrl).toMatch(new RegExp(`/mcp/${serverId}$`));
  await expect(reveal.getByRole("tab")).toHaveText(["Claude Code", "Cursor", "VS Code", "Claude Desktop", "curl"]);
  await expect(reveal.getByRole("tab", { name: "Claude Code" })).toHaveAttribute("aria-selected", "true");

  // Copy the Claude Code snippet and take the URL and token from what was copied.
  await reveal.getByRole("button", { name: "Copy the Claude Code snippet" }).click();
  await expect(reveal.getByRole("button", { name: "Copy the Claude Code snippet" })).toHaveText("Copied");
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  expect(snippet).toBe(await reveal.getByTestId("snippet-claude-code").locator("pre").innerText());
  const m = snippet.match(/^claude mcp add --transport http (\S+) (\S+) --header "Authorization: Bearer (\S+)"$/);
  expect(m, snippet).not.toBeNull();
  const [, name, url, copiedToken] = m!;
  expect(name).toBe("test-upstream");
  expect(url).toBe(gatewayUrl);
  expect(copiedToken).toBe(token);

  // The other clients' snippets, one keyboard step away (arrow keys move between tabs).
  await reveal.getByRole("tab", { name: "Claude Code" }).press("ArrowRight");
  await expect(reveal.getByRole("tab", { name: "Cursor" })).toBeFocused();
  await expect(reveal.getByRole("tabpanel")).toContainText("mcp.json");
  await expect(reveal.getByRole("tabpanel").locator("pre")).toContainText(`"Authorization": "Bearer ${token}"`);
  await reveal.getByRole("tab", { name: "Claude Code" }).click();
  await shoot(page, "grants-created-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "grants-created-390");
  await page.setViewportSize({ width: 1280, height: 720 });

  // An agent using exactly what was copied: echo is allowed, delete_file denied by the default.
  const client = await connect(url, copiedToken);
  expect(textOf(await client.callTool({ name: "echo", arguments: { message: "hello through toolgate" } }))).toBe("hello through toolgate");
  const denied = await client.callTool({ name: "delete_file", arguments: { path: "/etc/passwd" } });
  expect(denied.isError).toBe(true);
  expect(textOf(denied)).toContain("(rule /default)");
  await client.close();
  expect(upstream.calls.map((c) => c.tool)).toEqual(["echo"]);

  // Both calls in the audit log, with their rule.
  await page.goto("/audit");
  const rows = page.getByRole("table", { name: "Audit events" }).getByRole("row");
  const echoRow = rows.filter({ hasText: "echo" });
  const deniedRow = rows.filter({ hasText: "delete_file" });
  await expect(echoRow).toHaveCount(1, { timeout: 20_000 });
  await expect(deniedRow).toHaveCount(1, { timeout: 20_000 });
  await expect(echoRow).toContainText("Allowed");
  await expect(echoRow).toContainText("/tools/echo");
  await expect(echoRow).toContainText("e2e-agent");
  await expect(deniedRow).toContainText("Denied");
  await expect(deniedRow).toContainText("/default");
  await expect(page.getByRole("list", { name: "Top denied rules" })).toContainText("/default");
  // Each denied rule links to the policy of its own server, with no server filter set.
  await expect(page.getByRole("list", { name: "Top denied rules" }).getByRole("link", { name: "rule" })).toHaveAttribute("href", `/servers/${serverId}/policy?rule=%2Fdefault`);
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await shoot(page, "audit-1280");

  // The drawer: every field, the rule linking to the policy; Escape closes it and focus returns.
  const opener = deniedRow.getByRole("button", { name: /^Details: delete_file/ });
  await opener.click();
  const drawer = page.getByRole("dialog", { name: /delete_file/ });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole("button", { name: "Close details" })).toBeFocused();
  await expect(drawer).toContainText("/default");
  await expect(drawer).toContainText("v1");
  await expect(drawer).toContainText("not forwarded");
  await expect(drawer).toContainText("path");
  await expect(drawer).toContainText("e2e-agent");
  await expect(drawer.getByRole("link", { name: "Open in the policy" })).toHaveAttribute("href", `/servers/${serverId}/policy?rule=%2Fdefault`);
  await shoot(page, "audit-drawer-1280", { fullPage: false });
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(opener).toBeFocused();

  // The allowed call was forwarded: latency and the upstream's status are recorded.
  await echoRow.getByRole("button", { name: /^Details: echo/ }).click();
  await expect(page.getByRole("dialog", { name: /echo/ })).toContainText("200");
  await page.getByRole("button", { name: "Close details" }).click();

  // Filters narrow the log (and the URL says so).
  await page.getByRole("group", { name: "Decision" }).getByText("Denied").click();
  await expect(page).toHaveURL(/decision=deny/);
  await expect(rows.filter({ hasText: "echo" })).toHaveCount(0);
  await expect(rows.filter({ hasText: "delete_file" })).toHaveCount(1);
  // The charts follow every filter too.
  await expect(page.getByRole("list", { name: "Top tools" })).not.toContainText("echo");
  await expect(page.getByRole("list", { name: "Top tools" })).toContainText("delete_file");
  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(rows.filter({ hasText: "echo" })).toHaveCount(1);

  // CSV export of the current filter holds both rows.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^toolgate-audit-.*\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8").trim().split("\n");
  expect(csv[0]).toContain("decision,rulePointer");
  expect(csv).toHaveLength(3);
  expect(csv.find((l) => l.includes(",echo,"))).toContain(",allow,/tools/echo,");
  expect(csv.find((l) => l.includes(",delete_file,"))).toContain(",deny,/default,");

  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "audit-390");
  await deniedRow.getByRole("button", { name: /^Details: delete_file/ }).click();
  await shoot(page, "audit-drawer-390", { fullPage: false });
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 1280, height: 720 });

  // The admin log says who did what.
  await page.getByRole("navigation", { name: "Audit" }).getByRole("link", { name: "Admin log" }).click();
  const admin = page.getByRole("table", { name: "Admin log" });
  await expect(admin).toContainText("grant.created");
  await expect(admin).toContainText("server.created");
  await shoot(page, "audit-admin-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "audit-admin-390");
  await page.setViewportSize({ width: 1280, height: 720 });

  // The grants list shows the usage; rotate stops the old token at once; revoke stops all.
  await page.goto("/grants");
  const grantRow = page.getByRole("table", { name: "Grants" }).getByRole("row").filter({ hasText: "e2e-agent" });
  await expect(grantRow).toContainText(/just now|\d+ (s|min) ago/);
  await expect(grantRow.getByRole("link", { name: /^2 calls in the last 24 hours/ })).toBeVisible();
  await expect(grantRow.getByRole("link", { name: /^1 call denied in the last 24 hours/ })).toBeVisible();
  await shoot(page, "grants-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "grants-390");
  await page.setViewportSize({ width: 1280, height: 720 });

  page.once("dialog", (d) => d.accept());
  await grantRow.getByRole("button", { name: "Rotate the token of e2e-agent" }).click();
  await expect(page.getByRole("heading", { name: "New token for “e2e-agent”" })).toBeVisible();
  const rotated = await page.getByTestId("token-reveal").getByRole("textbox", { name: "Token" }).inputValue();
  expect(rotated).toMatch(/^tgg_/);
  expect(rotated).not.toBe(token);
  await expect(page.getByTestId("token-reveal").getByRole("textbox", { name: "Gateway URL" })).toHaveValue(url);
  await expect(connect(url, token)).rejects.toThrow();
  const again = await connect(url, rotated);
  expect(textOf(await again.callTool({ name: "echo", arguments: { message: "rotated" } }))).toBe("rotated");
  await again.close();

  page.once("dialog", (d) => d.accept());
  await grantRow.getByRole("button", { name: "Revoke e2e-agent" }).click();
  await expect(page.getByTestId("token-reveal")).toHaveCount(0);
  await expect(page.getByText("Every grant is revoked")).toBeVisible();
  await page.getByLabel(/Show revoked/).check();
  await expect(grantRow).toContainText("revoked");
  await expect(connect(url, rotated)).rejects.toThrow();
});

test("a viewer sees grants read-only and can read the audit log", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signUp(page, { email: uniqueEmail("owner"), name: "Owen" });
  const created = await page.request.post("/api/v1/servers", { data: { name: "docs", url: upstream.url, sync: false } });
  const serverId = ((await created.json()) as { server: { id: string } }).server.id;
  expect((await page.request.post(`/api/v1/servers/${serverId}/grants`, { data: { label: "ci-runner" } })).status()).toBe(201);
  const viewerEmail = uniqueEmail("viewer");
  const invited = await page.request.post("/api/v1/invitations", { data: { email: viewerEmail, role: "viewer" } });
  const link = ((await invited.json()) as { url: string }).url;

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await viewer.goto(link);
  await viewer.getByLabel("Password").fill(PASSWORD);
  await viewer.getByRole("button", { name: "Create account and join" }).click();
  await expect(viewer).toHaveURL(/\/dashboard$/);

  await viewer.goto("/grants");
  await expect(viewer.getByRole("table", { name: "Grants" })).toContainText("ci-runner");
  await expect(viewer.getByText("Creating, rotating and revoking them is for admins and policy managers")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Create grant" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /Rotate|Revoke/ })).toHaveCount(0);
  await viewer.screenshot({ path: `${SHOTS}/grants-viewer-1280.png`, fullPage: true });
  expect((await viewer.request.post(`/api/v1/servers/${serverId}/grants`, { data: { label: "sneaky" } })).status()).toBe(403);

  await viewer.goto("/audit/admin");
  await expect(viewer.getByRole("table", { name: "Admin log" })).toContainText("grant.created");
  await context.close();
});
