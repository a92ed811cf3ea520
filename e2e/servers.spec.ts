import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { startEverything, type McpPeer } from "../tests/helpers/mcp-peers";
import { freePort } from "../lib/runtime/free-port";
import { prettyPolicy } from "../components/servers/policy-json";
import { signUp, uniqueEmail } from "./helpers";

// Servers, inventory and the server policy, against a real MCP server (server-everything in
// Streamable HTTP mode) that the test starts on a free loopback port.
const SHOTS = path.resolve("test-results/screenshots");
const SECRET = "Bearer e2e-upstream-secret-value";

let peer: McpPeer;
test.beforeAll(async () => {
  peer = await startEverything("streamableHttp");
});
test.afterAll(async () => {
  await peer?.close();
});

/** The inventory entry of one tool. */
const toolItem = (page: Page, name: string) => page.getByRole("list", { name: "Tools", exact: true }).getByRole("listitem").filter({ has: page.getByRole("heading", { name, exact: true }) });

test("an admin adds server-everything, sees its tools rated, publishes the recommended policy and tests calls", async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, { email: uniqueEmail("servers"), name: "Sam" });

  let serverId = "";
  await test.step("add the server: catalog, header rows, progress, tools found", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Servers" }).click();
    await expect(page.getByRole("heading", { name: "Add a server" })).toBeVisible();
    // The catalog fills name, URL and an Authorization header row.
    await page.getByRole("button", { name: "Linear" }).click();
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Linear");
    await expect(page.getByLabel("MCP URL")).toHaveValue("https://mcp.linear.app/mcp");
    await expect(page.getByText("need your own credentials")).toBeVisible();
    await expect(page.getByText(/Private and loopback addresses .* are allowed/)).toBeVisible();

    await page.getByLabel("Name", { exact: true }).fill("everything");
    await page.getByLabel("MCP URL").fill(peer.url);
    await expect(page.getByLabel("Header 1 name")).toHaveValue("Authorization");
    const value = page.getByLabel("Header 1 value");
    await expect(value).toHaveAttribute("type", "password");
    await value.fill(SECRET);
    await expect(page.getByLabel("Require review of new or changed tools")).toBeChecked();
    await page.getByRole("button", { name: "Add server" }).click();
    const outcome = page.getByTestId("sync-outcome");
    await expect(outcome).toContainText(/everything added: \d+ tools found/, { timeout: 30_000 });
    await expect(outcome).toContainText("Streamable HTTP");
    await outcome.getByRole("link", { name: "Open the inventory" }).click();
    await expect(page).toHaveURL(/\/servers\/srv_[0-9a-f]+$/);
    serverId = page.url().split("/").pop()!;
  });

  await test.step("the header: gateway URL, header names only, never the secret", async () => {
    await expect(page.getByRole("heading", { level: 1, name: "everything" })).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Gateway URL" })).toHaveValue(new RegExp(`/mcp/${serverId}$`));
    await expect(page.getByText("Authorization", { exact: true })).toBeVisible();
    expect(await page.content()).not.toContain("e2e-upstream-secret");
    const api = await page.request.get(`/api/v1/servers/${serverId}`);
    expect(JSON.stringify(await api.json())).not.toContain("e2e-upstream-secret");
  });

  await test.step("every tool is rated, with reasons and a recommended rule", async () => {
    const echo = toolItem(page, "echo");
    await expect(echo.getByRole("img", { name: "Risk: Read, low" })).toBeVisible();
    await expect(echo).toContainText("Echoes back the input string");
    await expect(echo).toContainText('name says "echo"');
    await expect(echo.getByLabel("Recommended rule for echo")).toContainText("Allow");
    await expect(echo.getByRole("list", { name: /Annotations/ })).toContainText("read-only");
    const trigger = toolItem(page, "trigger-long-running-operation");
    await expect(trigger.getByRole("img", { name: "Risk: Execute, high" })).toBeVisible();
    await expect(trigger).toContainText("At most 10 calls a minute per grant");

    // Filters: by level, by category, by name.
    await page.getByLabel("Risk level", { exact: true }).selectOption("high");
    // The sync declares every client capability, so the tools server-everything lists only to
    // clients that can sample or elicit are in the inventory too (and rated).
    await expect(page.getByRole("list", { name: "Tools", exact: true }).getByRole("heading", { level: 3 })).toHaveText([
      "trigger-elicitation-request",
      "trigger-long-running-operation",
      "trigger-sampling-request",
      "trigger-url-elicitation",
    ]);
    await page.getByLabel("Risk level", { exact: true }).selectOption("");
    await page.getByLabel("Category", { exact: true }).selectOption("Write");
    await expect(page.getByRole("list", { name: "Tools", exact: true }).getByRole("heading", { name: "echo", exact: true })).toHaveCount(0);
    await page.getByLabel("Category", { exact: true }).selectOption("");
    await page.getByLabel("Search by name", { exact: true }).fill("get-s");
    await expect(page.getByRole("list", { name: "Tools", exact: true }).getByRole("heading", { level: 3 })).toHaveText(["get-structured-content", "get-sum"]);
    await page.getByRole("button", { name: "Clear filters" }).first().click();
  });

  await test.step("a tool's input schema opens as a table and raw JSON", async () => {
    const sum = toolItem(page, "get-sum");
    await sum.getByTestId("input-schema").locator("summary").first().click();
    const table = sum.getByRole("table", { name: "Arguments of get-sum" });
    await expect(table).toBeVisible();
    await expect(table.getByRole("row", { name: /^a number required/ })).toBeVisible();
    await sum.getByText("Raw JSON schema").click();
    await expect(sum.locator("pre")).toContainText('"required"');
  });

  await test.step("apply the recommended policy", async () => {
    await page.getByRole("button", { name: "Apply recommended policy" }).click();
    const panel = page.getByRole("region", { name: "Apply the recommended policy" });
    await expect(panel.getByTestId("lane-summary")).toContainText("Allow");
    await expect(panel).toContainText("No policy is published yet");
    await panel.getByRole("button", { name: "Publish as version 1" }).click();
    await expect(panel.getByTestId("published-version")).toHaveText(/Published version 1/);
  });

  await test.step("the policy tab: published version, validation errors, a new version from the editor", async () => {
    await page.getByRole("navigation", { name: "Server sections" }).getByRole("link", { name: "Policy" }).click();
    await expect(page.getByTestId("current-version")).toHaveText("version 1");
    const editor = page.getByRole("textbox", { name: "Policy JSON" });
    const live = (await (await page.request.get(`/api/v1/servers/${serverId}/policy`)).json()) as { document: unknown };
    const published = prettyPolicy(live.document);
    expect(JSON.parse(published)).toMatchObject({ version: "1", default: "deny" });

    // An invalid document: every error by path as it is typed, and nothing can be published.
    await editor.fill(published.replace('"default": "deny"', '"default": "maybe"').replace('"echo": {}', '"echo": { "acton": "deny" }'));
    const errors = page.getByTestId("policy-errors");
    await expect(errors).toContainText("/default");
    await expect(errors).toContainText("/tools/echo/acton");
    await expect(errors).toContainText("did you mean `action`?");
    await expect(page.getByRole("button", { name: "Publish version 2" })).toBeDisabled();
    await expect(page.getByTestId("current-version")).toHaveText("version 1");
    // Broken JSON, with its position.
    await editor.fill('{ "version": "1", ');
    await expect(errors).toContainText(/invalid json/);
    await expect(errors).toContainText(/line 1/);

    await editor.fill(published.replace('"get-env": {', '"get-env": {\n      "action": "deny",\n      "on_deny": "no environment dumps",'));
    await page.getByLabel("Version message").fill("deny get-env");
    await page.getByRole("button", { name: "Publish version 2" }).click();
    await expect(page.getByTestId("published-version")).toHaveText(/Published version 2/);
    await expect(page.getByTestId("current-version")).toHaveText("version 2");
    await expect(page.getByRole("list", { name: "Policy versions" }).getByRole("listitem")).toHaveCount(2);
    await expect(page.getByRole("list", { name: "Policy versions" })).toContainText("deny get-env");
  });

  await test.step("test calls against the draft: denied and allowed", async () => {
    const tester = page.getByRole("region", { name: "Test a call" });
    const result = tester.getByTestId("simulation-result");
    await tester.getByLabel("Tool", { exact: true }).selectOption("trigger-long-running-operation");
    await tester.getByRole("button", { name: "Edit as JSON" }).click();
    await tester.getByLabel("Arguments (JSON)").fill('{ "duration": "ten" }');
    await tester.getByRole("button", { name: "Test call" }).click();
    await expect(result.getByTestId("effect")).toHaveText("Denied");
    await expect(result.getByTestId("rule-pointer")).toHaveText("/tools/trigger-long-running-operation/validate_input");
    await expect(result).toContainText("must be number");

    await tester.getByLabel("Tool", { exact: true }).selectOption("get-env");
    await tester.getByRole("button", { name: "Test call" }).click();
    await expect(result.getByTestId("effect")).toHaveText("Denied");
    await expect(result.getByTestId("rule-pointer")).toHaveText("/tools/get-env/action");
    await expect(result).toContainText("no environment dumps");

    await tester.getByLabel("Tool", { exact: true }).selectOption("echo");
    await expect(tester.getByLabel("Arguments (JSON)")).toHaveValue(/"message": ""/);
    await tester.getByLabel("Arguments (JSON)").fill('{ "message": "hi" }');
    await tester.getByRole("button", { name: "Test call" }).click();
    await expect(result.getByTestId("effect")).toHaveText("Allowed");
    await expect(result.getByTestId("rule-pointer")).toHaveText("/tools/echo");
  });

  await test.step("the overview shows the server", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
    const card = page.getByRole("region", { name: "everything", exact: true });
    await expect(card).toContainText("policy v2");
    await expect(card.getByLabel("Last 24 hours")).toContainText("Calls, 24 h");
    await expect(card).toContainText("Riskiest tools without a rule");
  });

  await test.step("screenshots at 1280 and 390 px", async () => {
    mkdirSync(SHOTS, { recursive: true });
    const pages: [string, string, ((p: Page) => Promise<void>)?][] = [
      ["servers", "/servers"],
      ["server-inventory", `/servers/${serverId}`],
      [
        "server-inventory-schema",
        `/servers/${serverId}?q=trigger`,
        async (p) => {
          await toolItem(p, "trigger-long-running-operation").getByTestId("input-schema").locator("summary").first().click();
        },
      ],
      [
        "server-apply-recommended",
        `/servers/${serverId}`,
        async (p) => {
          await p.getByRole("button", { name: "Apply recommended policy" }).click();
          await expect(p.getByTestId("lane-summary")).toBeVisible();
        },
      ],
      [
        "server-policy",
        `/servers/${serverId}/policy`,
        async (p) => {
          const tester = p.getByRole("region", { name: "Test a call" });
          await tester.getByLabel("Tool", { exact: true }).selectOption("get-env");
          await tester.getByRole("button", { name: "Test call" }).click();
          await expect(tester.getByTestId("effect")).toBeVisible();
        },
      ],
      ["overview", "/dashboard"],
    ];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url, prepare] of pages) {
        await page.goto(url);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await page.waitForLoadState("networkidle");
        await prepare?.(page);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

test("a server on a closed port is saved with the reason; editing the URL and syncing recovers it; delete asks first", async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, { email: uniqueEmail("refused") });
  const closed = await freePort();
  await page.goto("/servers");
  await page.getByLabel("Name", { exact: true }).fill("closed-port");
  await page.getByLabel("MCP URL").fill(`http://127.0.0.1:${closed}/mcp`);
  await page.getByRole("button", { name: "Add server" }).click();
  const outcome = page.getByTestId("sync-outcome");
  await expect(outcome).toContainText("was saved, but Toolgate could not list its tools: Connection refused", { timeout: 30_000 });
  await expect(outcome).toContainText(`127.0.0.1:${closed} refused the connection`);
  await expect(outcome).toContainText("refused");
  await expect(outcome.getByRole("button", { name: "Retry sync" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Servers" })).toContainText("closed-port");
  await expect(page.getByRole("table", { name: "Servers" })).toContainText("sync failed");

  await outcome.getByRole("button", { name: "Retry sync" }).click();
  await expect(outcome).toContainText("refused the connection");

  // Field errors from the API sit under their fields (the form stays open after adding).
  await page.getByLabel("Name", { exact: true }).fill("closed-port");
  await page.getByLabel("MCP URL").fill("ftp://example.com/mcp");
  await page.getByRole("button", { name: "Add server" }).click();
  await expect(page.getByLabel("MCP URL")).toHaveAccessibleDescription(/must start with http/);

  // Fix the URL on the server page, then sync.
  await page.getByRole("table", { name: "Servers" }).getByRole("link", { name: "closed-port" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The last sync failed" })).toBeVisible();
  await page.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: "Edit server" });
  await form.getByLabel("MCP URL").fill(peer.url);
  await form.getByLabel("Require review of new or changed tools").uncheck();
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form).toHaveCount(0);
  await expect(page.getByText("Off", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Sync", exact: true }).click();
  await expect(page.getByTestId("sync-result")).toContainText(/Synced: \d+ tools · \d+ added · 0 changed · 0 removed/, { timeout: 30_000 });
  await expect(toolItem(page, "echo")).toBeVisible();

  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/servers$/);
  await expect(page.getByRole("heading", { name: "Add a server" })).toBeVisible();
});
