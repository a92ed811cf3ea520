import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startEverything, type McpPeer } from "../tests/helpers/mcp-peers";
import { signUp, uniqueEmail } from "./helpers";

// Issue 5's journey in one go, as a new user lives it: add server-everything (started by the
// test), see its tools rated, apply the recommended policy, create a grant, copy the Claude Code
// snippet, use exactly that URL and token from an MCP client (one call allowed, one denied by its
// rule), find both in the audit log with their rules, and export them as CSV.

let peer: McpPeer;
test.beforeAll(async () => {
  peer = await startEverything("streamableHttp");
});
test.afterAll(async () => {
  await peer?.close();
});
test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const textOf = (result: unknown) => (result as { content?: { text?: string }[] }).content?.[0]?.text ?? "";

test("from a new account to an audited agent call: server, ratings, recommended policy, grant, snippet, calls, audit, CSV", async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, { email: uniqueEmail("journey"), name: "Jo" });

  await test.step("add server-everything", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Servers" }).click();
    await page.getByLabel("Name", { exact: true }).fill("everything");
    await page.getByLabel("MCP URL").fill(peer.url);
    await page.getByRole("button", { name: "Add server" }).click();
    const outcome = page.getByTestId("sync-outcome");
    await expect(outcome).toContainText(/everything added: \d+ tools found/, { timeout: 30_000 });
    await outcome.getByRole("link", { name: "Open the inventory" }).click();
    await expect(page).toHaveURL(/\/servers\/srv_[0-9a-f]+$/);
  });

  await test.step("its tools are rated", async () => {
    const tools = page.getByRole("list", { name: "Tools", exact: true });
    const item = (name: string) => tools.getByRole("listitem").filter({ has: page.getByRole("heading", { name, exact: true }) });
    await expect(item("echo").getByRole("img", { name: "Risk: Read, low" })).toBeVisible();
    await expect(item("trigger-long-running-operation").getByRole("img", { name: "Risk: Execute, high" })).toBeVisible();
  });

  await test.step("apply the recommended policy", async () => {
    await page.getByRole("button", { name: "Apply recommended policy" }).click();
    const panel = page.getByRole("region", { name: "Apply the recommended policy" });
    await panel.getByRole("button", { name: "Publish as version 1" }).click();
    await expect(panel.getByTestId("published-version")).toHaveText(/Published version 1/);
  });

  let url = "";
  let token = "";
  await test.step("create a grant and copy its Claude Code snippet", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Grants" }).click();
    await page.getByLabel("Label").fill("journey-agent");
    await page.getByRole("button", { name: "Create grant" }).click();
    const reveal = page.getByTestId("token-reveal");
    await reveal.getByRole("button", { name: "Copy the Claude Code snippet" }).click();
    await expect(reveal.getByRole("button", { name: "Copy the Claude Code snippet" })).toHaveText("Copied");
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    const m = snippet.match(/^claude mcp add --transport http (\S+) (\S+) --header "Authorization: Bearer (\S+)"$/);
    expect(m, snippet).not.toBeNull();
    [, , url, token] = m!;
    expect(url).toMatch(/\/mcp\/srv_[0-9a-f]+$/);
  });

  await test.step("an MCP client with exactly that URL and token: one call allowed, one denied", async () => {
    const client = new Client({ name: "journey-agent", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    const allowed = await client.callTool({ name: "echo", arguments: { message: "hello from the journey" } });
    expect(allowed.isError).toBeFalsy();
    expect(textOf(allowed)).toContain("hello from the journey");
    // The recommended rule validates this tool's input at the gateway: a wrong type never reaches it.
    const denied = await client.callTool({ name: "trigger-long-running-operation", arguments: { duration: "ten" } });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/^\[POLICY DENIED\] .*\(rule \/tools\/trigger-long-running-operation\/validate_input\)$/);
    await client.close();
  });

  await test.step("both calls are in the audit log with their rules, and in the CSV export", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" }).click();
    const rows = page.getByRole("table", { name: "Audit events" }).getByRole("row");
    const allowedRow = rows.filter({ hasText: "echo" });
    const deniedRow = rows.filter({ hasText: "trigger-long-running-operation" });
    await expect(allowedRow).toHaveCount(1, { timeout: 20_000 });
    await expect(deniedRow).toHaveCount(1, { timeout: 20_000 });
    await expect(allowedRow).toContainText("Allowed");
    await expect(allowedRow).toContainText("/tools/echo");
    await expect(deniedRow).toContainText("Denied");
    await expect(deniedRow).toContainText("/tools/trigger-long-running-operation/validate_input");
    await expect(allowedRow).toContainText("journey-agent");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(csv).toHaveLength(3);
    expect(csv.find((l) => l.includes(",echo,"))).toContain(",allow,/tools/echo,");
    expect(csv.find((l) => l.includes(",trigger-long-running-operation,"))).toContain(",deny,/tools/trigger-long-running-operation/validate_input,");
  });
});
