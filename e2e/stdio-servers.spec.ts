import { expect, test, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { agent, everythingStdio } from "../tests/helpers/stdio-servers";
import { shootWidths, signUp, uniqueEmail } from "./helpers";

// Issue 8 in the dashboard: a command server (server-everything over stdio, run by Toolgate,
// which playwright.config.ts starts with TOOLGATE_STDIO=on) and a connector server whose
// `toolgate connect` the test runs itself, as the person would on their own machine.
const SHOTS = path.resolve("test-results/screenshots");
const ROOT = path.resolve(import.meta.dirname, "..");
const ENV_SECRET = "e2e-stdio-env-secret-value";
const everything = everythingStdio();

let connector: ChildProcess | null = null;
test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));
test.afterAll(() => {
  if (connector && connector.exitCode === null) connector.kill("SIGKILL");
});

/** The inventory entry of one tool. */
const toolItem = (page: Page, name: string) => page.getByRole("list", { name: "Tools", exact: true }).getByRole("listitem").filter({ has: page.getByRole("heading", { name, exact: true }) });

async function openAddServer(page: Page) {
  await page.goto("/servers");
  const add = page.getByRole("button", { name: "Add server" });
  if (!(await page.getByRole("heading", { name: "Add a server" }).isVisible())) await add.click();
  await expect(page.getByRole("heading", { name: "Add a server" })).toBeVisible();
}

test("a command server runs server-everything over stdio; a connector server goes online and offline with toolgate connect", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await signUp(page, { email: uniqueEmail("stdio"), name: "Sam" });

  let commandId = "";
  await test.step("add a command server: the three kinds, the arguments split as typed, an error keeps what was typed", async () => {
    await openAddServer(page);
    const kinds = page.getByRole("group", { name: "How Toolgate reaches the server" });
    await expect(kinds.getByRole("radio", { name: /URL/ })).toBeChecked();
    await expect(kinds).toContainText("A remote MCP server over HTTP.");
    await expect(kinds).toContainText("Run a local program over stdio on this Toolgate host (admins only).");
    await expect(kinds).toContainText("Run it on another machine with toolgate connect.");
    await kinds.getByRole("radio", { name: /Command/ }).check();
    await expect(page.getByLabel("MCP URL")).toHaveCount(0);

    await page.getByLabel("Name", { exact: true }).fill("everything-stdio");
    await page.getByLabel("Command", { exact: true }).fill("node");
    const [entry, mode] = everything.args;
    await page.getByLabel("Arguments").fill(`'${entry}'   ${mode}`);
    const preview = page.getByTestId("args-preview");
    await expect(preview).toContainText("2 arguments:");
    await expect(preview.getByRole("listitem")).toHaveText([entry, "stdio"]);
    await page.getByLabel("Arguments").fill(`'${entry} ${mode}`);
    await expect(page.getByText("a single quote is not closed")).toBeVisible();
    await page.getByLabel("Arguments").fill(`${entry} ${mode}`);
    await expect(preview.getByRole("listitem")).toHaveCount(2);

    await page.getByRole("button", { name: "Add variable" }).click();
    await page.getByLabel("Variable 1 name").fill("EVERYTHING_TOKEN");
    await expect(page.getByLabel("Variable 1 value")).toHaveAttribute("type", "password");
    await page.getByLabel("Variable 1 value").fill(ENV_SECRET);
    await expect(page.getByRole("radio", { name: /Per session/ })).toBeChecked();
    await expect(page.getByLabel("Idle timeout (s)")).toHaveValue("600");
    await expect(page.getByLabel("Max processes")).toHaveValue("10");

    // A relative working directory: the API's message on the field, and nothing typed is lost.
    await page.getByLabel("Working directory").fill("relative/dir");
    await page.getByRole("button", { name: "Add server" }).click();
    await expect(page.getByText("the working directory must be an absolute path")).toBeVisible();
    await expect(page.getByLabel("Working directory")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Command", { exact: true })).toHaveValue("node");
    await expect(page.getByLabel("Arguments")).toHaveValue(`${entry} ${mode}`);
    await expect(page.getByLabel("Variable 1 value")).toHaveValue(ENV_SECRET);

    await page.getByLabel("Working directory").fill(ROOT);
    await shootWidths(page, "stdio-add-command");
    await page.getByRole("button", { name: "Add server" }).click();
    const outcome = page.getByTestId("sync-outcome");
    await expect(outcome).toContainText(/everything-stdio added: \d+ tools found/, { timeout: 60_000 });
    await expect(outcome).toContainText("Started the command over stdio");
    await outcome.getByRole("link", { name: "Open the inventory" }).click();
    await expect(page).toHaveURL(/\/servers\/srv_[0-9a-f]+$/);
    commandId = page.url().split("/").pop()!;
  });

  await test.step("its tools are listed and rated; the header shows the command, the variable's name and the limits, never the value", async () => {
    await expect(page.getByRole("heading", { level: 1, name: "everything-stdio" })).toBeVisible();
    await expect(page.getByText("Command · stdio")).toBeVisible();
    await expect(page.getByText(`node ${everything.args[0]} stdio`)).toBeVisible();
    const settings = page.getByRole("definition").filter({ hasText: "EVERYTHING_TOKEN" });
    await expect(settings).toBeVisible();
    await expect(page.getByLabel("Process settings")).toContainText("Per session");
    await expect(page.getByLabel("Process settings")).toContainText("600 s");
    await expect(toolItem(page, "echo").getByRole("img", { name: "Risk: Read, low" })).toBeVisible();
    await expect(toolItem(page, "trigger-long-running-operation").getByRole("img", { name: "Risk: Execute, high" })).toBeVisible();
    expect(await page.content()).not.toContain(ENV_SECRET);
    expect(JSON.stringify(await (await page.request.get(`/api/v1/servers/${commandId}`)).json())).not.toContain(ENV_SECRET);
  });

  await test.step("an agent's session runs a process: the Processes panel shows it, the log shows its lifecycle and stderr", async () => {
    const grant = (await (await page.request.post(`/api/v1/servers/${commandId}/grants`, { data: { label: "stdio-agent" } })).json()) as { token: string; gatewayUrl: string };
    // Everything allowed, so the call below reaches the process.
    const put = await page.request.put(`/api/v1/servers/${commandId}/policy`, { data: { document: { version: "1", default: "allow" } } });
    expect(put.ok()).toBe(true);
    const client = await agent(grant.gatewayUrl, grant.token);
    try {
      const echoed = await client.callTool({ name: "echo", arguments: { message: "hello over stdio" } });
      expect(JSON.stringify(echoed)).toContain("hello over stdio");

      await page.getByRole("navigation", { name: "Server sections" }).getByRole("link", { name: "Processes & logs" }).click();
      await expect(page).toHaveURL(new RegExp(`/servers/${commandId}/processes$`));
      const row = page.getByTestId("process-row");
      await expect(row).toHaveCount(1);
      await expect(row).toContainText(/^\d+Per session1/);
      const log = page.getByTestId("server-log");
      await expect(log.locator('[data-stream="event"]').first()).toBeVisible();
      await expect(log.locator('[data-stream="stderr"]').first()).toBeVisible();
      // Newest at the bottom, and the panel is scrolled there.
      const atBottom = await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 24);
      expect(atBottom).toBe(true);
      await shootWidths(page, "stdio-command-processes");
      // An admin stops it: the row goes, the log says so, and the agent's next call is told why.
      await row.getByRole("button", { name: /^Stop process/ }).click();
      await expect(row).toHaveCount(0);
      await expect(log).toContainText("stopped by an admin");
      const after = await client.callTool({ name: "echo", arguments: { message: "again" } }).then(
        () => "passed",
        (e: Error) => e.message,
      );
      expect(after).toMatch(/stopped by an admin/);
    } finally {
      await client.close();
    }
  });

  await test.step("edit the command server: a bad limit is refused on its field, a good one saved; the variables replaced as a set", async () => {
    await page.getByRole("button", { name: "Edit" }).click();
    const form = page.getByRole("form", { name: "Edit server" });
    await expect(form.getByLabel("Arguments")).toHaveValue(`${everything.args[0]} stdio`);
    await form.getByLabel("Idle timeout (s)").fill("0");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(form.getByText("at least 1 second")).toBeVisible();
    await form.getByLabel("Idle timeout (s)").fill("300");
    await expect(form.getByText("at least 1 second")).toBeHidden();
    await form.getByLabel("Replace the environment variables").check();
    await form.getByRole("button", { name: "Add variable" }).click();
    await form.getByLabel("Variable 1 name").fill("OTHER_TOKEN");
    await form.getByLabel("Variable 1 value").fill("another-secret");
    await shootWidths(page, "stdio-command-edit", [1280]);
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect(form).toBeHidden();
    await expect(page.getByLabel("Process settings")).toContainText("300 s");
    await expect(page.getByLabel("Process settings")).toContainText("OTHER_TOKEN");
    await expect(page.getByLabel("Process settings")).not.toContainText("EVERYTHING_TOKEN");
  });

  let key = "";
  await test.step("add a connector server: the key once, the snippet follows the command typed", async () => {
    await openAddServer(page);
    await page.getByRole("radio", { name: /Connector/ }).check();
    await expect(page.getByLabel("Command", { exact: true })).toHaveCount(0);
    await page.getByLabel("Name", { exact: true }).fill("laptop-everything");
    await page.getByRole("radio", { name: /Shared/ }).check();
    await page.getByRole("button", { name: "Add server" }).click();
    const reveal = page.getByTestId("connector-reveal");
    await expect(reveal).toContainText("laptop-everything added: now start the connector");
    key = await reveal.getByRole("textbox", { name: "Connector key" }).inputValue();
    expect(key).toMatch(/^tgc_/);
    const snippet = reveal.getByTestId("connect-snippet");
    await expect(snippet).toContainText(`npx toolgate connect --url http://localhost:`);
    await expect(snippet).toContainText(`--key ${key} -- <command> [args…]`);
    await reveal.getByLabel("The command that starts the server on that machine").fill(`node ${everything.args.join(" ")}`);
    await expect(snippet).toContainText(`--key ${key} -- node ${everything.args.join(" ")}`);
    await expect(reveal.getByTestId("connector-live")).toContainText("Offline");
    await expect(reveal.getByTestId("connector-live")).toContainText("Waiting for the connector to dial in");
    await shootWidths(page, "stdio-connector-waiting");
  });

  await test.step("the connector dials in: Online, its tools are listed", async () => {
    const snippet = await page.getByTestId("connect-snippet").innerText();
    const url = /--url (\S+)/.exec(snippet)![1];
    connector = spawn(process.execPath, [path.join(ROOT, "bin/toolgate.mjs"), "connect", "--url", url, "--key", key, "--", everything.command, ...everything.args], { cwd: ROOT, stdio: "pipe" });
    const reveal = page.getByTestId("connector-reveal");
    await expect(reveal.getByTestId("connector-live")).toContainText("Online", { timeout: 30_000 });
    await expect(reveal.getByTestId("connector-live")).toContainText("Connected");
    await reveal.getByRole("button", { name: "List its tools" }).click();
    await expect(reveal.getByTestId("sync-outcome")).toContainText(/laptop-everything added: \d+ tools found/, { timeout: 60_000 });
    await expect(reveal.getByTestId("sync-outcome")).toContainText("Reached it through its connector");
    await shootWidths(page, "stdio-connector-online");
  });

  await test.step("the server list shows the kinds and the connector's badge", async () => {
    await page.goto("/servers");
    const rows = page.getByTestId("server-row");
    const laptop = rows.filter({ hasText: "laptop-everything" });
    await expect(laptop.getByTestId("connector-status")).toContainText("Online");
    await expect(laptop).toContainText("Connector");
    await expect(rows.filter({ hasText: "everything-stdio" })).toContainText("Command");
    await shootWidths(page, "stdio-servers-list");
  });

  await test.step("the connector's page: heartbeat and keys; killed, it goes Offline", async () => {
    await page.getByRole("link", { name: "laptop-everything" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "laptop-everything" })).toBeVisible();
    await page.getByRole("navigation", { name: "Server sections" }).getByRole("link", { name: "Connector & logs" }).click();
    const status = page.getByTestId("connector-status").first();
    await expect(status).toContainText("Online");
    await expect(status).toContainText(/last heartbeat \d+ s ago/);
    await expect(page.getByTestId("connector-key")).toHaveCount(1);
    await expect(page.getByTestId("connector-key")).toContainText(`${key.slice(0, 12)}…`);
    await shootWidths(page, "stdio-connector-page");

    connector!.kill("SIGTERM");
    await expect(status).toContainText("Offline", { timeout: 20_000 });
    await expect(page.getByTestId("connector-status").first()).toContainText(/last heartbeat \d+ s ago/);
  });

  await test.step("a new key is shown once; revoking one marks it revoked", async () => {
    await page.getByRole("button", { name: "New key" }).click();
    const reveal = page.getByTestId("connector-reveal");
    const second = await reveal.getByRole("textbox", { name: "Connector key" }).inputValue();
    expect(second).toMatch(/^tgc_/);
    expect(second).not.toBe(key);
    await expect(page.getByTestId("connector-key")).toHaveCount(2);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: `Revoke key ${key.slice(0, 12)}` }).click();
    await expect(page.getByTestId("connector-key").filter({ hasText: key.slice(0, 12) })).toContainText("revoked");
    await expect(page.getByTestId("connector-key").filter({ hasText: second.slice(0, 12) })).toContainText("active");
  });
});

test("the log panel stays at the bottom as lines arrive, unless the reader scrolled up; the command kind when the operator left it off", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await signUp(page, { email: uniqueEmail("stdio-log"), name: "Lee" });
  const created = await page.request.post("/api/v1/servers", { data: { name: "quiet", kind: "command", command: "node", args: everything.args, sync: false } });
  expect(created.status()).toBe(201);
  const { server } = (await created.json()) as { server: { id: string } };

  // A log that grows by two lines each poll: 60 at first, so the panel scrolls.
  let seq = 0;
  const lines = (n: number) => Array.from({ length: n }, () => ({ seq: ++seq, time: new Date().toISOString(), pid: 4242, stream: seq % 2 ? "stderr" : "event", text: `line ${seq}` }));
  await page.route(`**/api/v1/servers/${server.id}/logs?*`, (route) => {
    const after = Number(new URL(route.request().url()).searchParams.get("after"));
    const items = after === 0 ? lines(60) : lines(2);
    return route.fulfill({ json: { items, next: seq } });
  });
  await page.goto(`/servers/${server.id}/processes`);
  const log = page.getByTestId("server-log");
  await expect(log).toContainText("line 60");
  const bottomGap = () => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  await expect(log).toContainText("line 64");
  expect(await bottomGap()).toBeLessThan(24);

  // Scrolled up: new lines arrive below without moving the view, and a button says how many.
  await log.evaluate((el) => (el.scrollTop = 0));
  const jump = page.getByRole("button", { name: /new lines ↓/ });
  await expect(jump).toBeVisible();
  expect(await log.evaluate((el) => el.scrollTop)).toBe(0);
  await jump.click();
  await expect(jump).toBeHidden();
  expect(await bottomGap()).toBeLessThan(24);

  // TOOLGATE_STDIO=off on this Toolgate (the kinds as the API reports them then): the command kind is offered disabled, with how to enable it.
  await page.route("**/api/v1/servers/kinds", (route) => route.fulfill({ json: { url: { enabled: true }, command: { enabled: false, mode: "off", allowlist: [] }, connector: { enabled: true } } }));
  await openAddServer(page);
  await expect(page.getByRole("radio", { name: /Command/ })).toBeDisabled();
  await expect(page.getByText(/Command servers are off on this Toolgate: an operator enables them by starting Toolgate with TOOLGATE_STDIO=on/)).toBeVisible();
  await expect(page.getByRole("radio", { name: /Connector/ })).toBeEnabled();
  await shootWidths(page, "stdio-command-off", [1280]);
});
