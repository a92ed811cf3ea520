import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { startEverything, type McpPeer } from "../tests/helpers/mcp-peers";
import { prettyPolicy } from "../components/servers/policy-json";
import { signUp, uniqueEmail } from "./helpers";
import { SHOTS, card, connect, drag, lane, publish, shoot, textOf } from "./builder-helpers";

// The policy builder against server-everything: lanes by mouse and keyboard, the rule drawer,
// publishing and what an MCP client then sees at the gateway, invalid JSON, drafts kept across
// a reload, a concurrent publish, rollback. The 500-tool timings are in builder-scale.spec.ts.

let peer: McpPeer;
test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  peer = await startEverything("streamableHttp");
});
test.afterAll(async () => {
  await peer?.close();
});

/** The builder's text as autosaved on the server (the editor only renders the lines in view). */
async function draftText(page: Page, serverId: string): Promise<string> {
  const r = (await (await page.request.get(`/api/v1/servers/${serverId}/policy/draft`)).json()) as { draft: { text: string } | null };
  return r.draft?.text ?? "";
}
/** The builder's text for the live version (the same layout the builder gives it). */
async function liveText(page: Page, serverId: string): Promise<string> {
  const r = (await (await page.request.get(`/api/v1/servers/${serverId}/policy`)).json()) as { document: unknown };
  return prettyPolicy(r.document);
}

test("build a policy with the lanes, publish it, and the gateway enforces it", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await signUp(page, { email: uniqueEmail("builder"), name: "Bea" });
  const created = await page.request.post("/api/v1/servers", { data: { name: "everything", url: peer.url } });
  expect(created.status()).toBe(201);
  const serverId = ((await created.json()) as { server: { id: string } }).server.id;
  const grant = await page.request.post(`/api/v1/servers/${serverId}/grants`, { data: { label: "builder-agent" } });
  expect(grant.status()).toBe(201);
  const { token } = (await grant.json()) as { token: string };
  const gateway = `${baseURL}/mcp/${serverId}`;

  await page.goto(`/servers/${serverId}/policy`);
  const editor = page.getByRole("textbox", { name: "Policy JSON" });

  await test.step("start from the recommended policy", async () => {
    await expect(page.getByTestId("draft-status")).toHaveText(/holds the live version/);
    await page.getByRole("button", { name: "Start from…" }).click();
    await page.getByRole("button", { name: /^Recommended policy/ }).click();
    await expect(card(page, "Allow", "echo")).toBeVisible();
    await expect(card(page, "Allow", "echo").getByRole("img", { name: "Risk: Read, low" })).toBeVisible();
    await expect.poll(() => draftText(page, serverId)).toContain('"echo": {}');
  });

  await test.step("drag echo into Rate limit with the mouse, set 3 per minute, publish", async () => {
    const started = Date.now();
    await drag(page, card(page, "Allow", "echo").getByRole("button", { name: "echo", exact: true }), lane(page, "Rate limit"));
    await expect(card(page, "Rate limit", "echo")).toBeVisible();
    console.log(`policy builder, 13 tools: the whole mouse drag took ${Date.now() - started} ms with Playwright's 17 pointer steps`);
    const drawer = page.getByRole("dialog", { name: "echo" });
    const max = drawer.getByLabel("Max calls of limit 1");
    await expect(max).toHaveValue("10");
    await expect(max).toBeFocused();
    await expect(drawer.getByLabel("Window of limit 1")).toHaveValue("minute");
    await expect(drawer.getByLabel("Scope of limit 1")).toHaveValue("grant");
    await max.fill("3");
    await expect.poll(() => draftText(page, serverId)).toContain('"max": 3');
    await shoot(page, "builder-drawer");
    await page.keyboard.press("Escape");
    await expect(drawer).toBeHidden();
    await expect(card(page, "Rate limit", "echo")).toContainText("3/minute");
    await publish(page, "echo: 3 a minute", 1);
  });

  await test.step("an SDK client through the gateway: 3 calls, the 4th denied", async () => {
    const client = await connect(gateway, token);
    for (let i = 1; i <= 3; i++) expect(textOf(await client.callTool({ name: "echo", arguments: { message: `hi ${i}` } }))).toContain(`hi ${i}`);
    const fourth = await client.callTool({ name: "echo", arguments: { message: "hi 4" } });
    expect(fourth.isError).toBe(true);
    expect(textOf(fourth)).toMatch(/^\[POLICY DENIED\] rate limit `echo_rate` reached: at most 3 calls per minute per grant/);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("get-env");
    await client.close();
  });

  await test.step("keyboard only: move get-env to Hide and publish", async () => {
    await expect(card(page, "Hide", "get-env")).toHaveCount(0);
    await page.getByRole("button", { name: "Move get-env" }).focus();
    await page.keyboard.press("Space");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    await expect(lane(page, "Hide")).toHaveAttribute("data-over", "true");
    await page.keyboard.press("Space");
    await expect(card(page, "Hide", "get-env")).toBeVisible();
    await expect(page.getByText("get-env moved to Hide.")).toBeAttached();
    await page.getByLabel("Version message").focus();
    await page.keyboard.type("hide get-env");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Publish version 2" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("current-version")).toHaveText("version 2");
    const client = await connect(gateway, token);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain("get-env");
    await client.close();
  });

  await test.step("test a call against the draft: the deciding rule is highlighted in the lanes and the JSON", async () => {
    const tester = page.getByRole("region", { name: "Test a call" });
    await tester.getByLabel("Tool", { exact: true }).selectOption("echo");
    await tester.getByLabel("message").fill("hello");
    await tester.getByRole("button", { name: "Test call" }).click();
    await expect(tester.getByTestId("effect")).toHaveText("Allowed");
    await expect(tester.getByTestId("rule-pointer")).toHaveText("/tools/echo");
    await expect(card(page, "Rate limit", "echo")).toHaveAttribute("data-highlighted", "true");
    await expect(page.locator(".cm-rule-highlight").first()).toContainText('"echo"');
    await tester.getByLabel("Tool", { exact: true }).selectOption("get-env");
    await tester.getByRole("button", { name: "Test call" }).click();
    await expect(tester.getByTestId("effect")).toHaveText("Hidden");
    await expect(card(page, "Hide", "get-env")).toHaveAttribute("data-highlighted", "true");
    await shoot(page, "builder-tested");
  });

  await test.step("invalid JSON: the error on its line, the lanes keep the last valid state", async () => {
    const lines = (await liveText(page, serverId)).split("\n").length;
    await editor.click();
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("End");
    await page.keyboard.type(",");
    const errors = page.getByTestId("policy-errors");
    await expect(errors).toContainText("invalid json");
    await expect(errors).toContainText(`line ${lines}, col 1`);
    await expect(page.locator(".cm-lintRange-error")).toHaveCount(1);
    await expect(page.getByTestId("json-status")).toHaveText("1 error");
    await expect(card(page, "Rate limit", "echo")).toBeVisible();
    await expect(card(page, "Hide", "get-env")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Publish version/ })).toBeDisabled();
    await shoot(page, "builder-invalid-json");
    // Undo covers the JSON side too.
    await page.keyboard.press("ControlOrMeta+z");
    await expect(page.getByTestId("json-status")).toHaveText("valid");
  });

  await test.step("a validation error sits on its card and at its place in the JSON", async () => {
    const text = await liveText(page, serverId);
    await editor.fill(text.replace('"max": 3', '"max": -3'));
    await expect(card(page, "Rate limit", "echo").getByTestId("card-error")).toHaveText("1 error");
    await expect(page.locator(".cm-lintRange-error")).toHaveText('"max": -3');
    await expect(page.getByTestId("policy-errors")).toContainText("/tools/echo/limits/0/max");
    await page.getByRole("button", { name: "Undo" }).click();
    await expect(page.getByTestId("json-status")).toHaveText("valid");
    await expect(card(page, "Rate limit", "echo").getByTestId("card-error")).toHaveCount(0);
  });

  await test.step("drafts survive a reload; ?rule= highlights a rule", async () => {
    await drag(page, card(page, "Allow", "get-sum").getByRole("button", { name: "get-sum", exact: true }), lane(page, "Deny"));
    await expect(card(page, "Deny", "get-sum")).toBeVisible();
    await expect(page.getByTestId("draft-status")).toContainText("Draft saved.");
    await page.goto(`/servers/${serverId}/policy?rule=${encodeURIComponent("/tools/echo/limits/0")}`);
    await expect(card(page, "Deny", "get-sum")).toBeVisible();
    await expect(page.getByTestId("draft-status")).toContainText("Unpublished changes to version 2");
    await expect(card(page, "Rate limit", "echo")).toHaveAttribute("data-highlighted", "true");
  });

  await test.step("touch: a long press and a drag move a card", async () => {
    const from = card(page, "Allow", "get-tiny-image");
    await from.evaluate((el) => el.scrollIntoView({ block: "center" }));
    const a = (await from.getByRole("button", { name: "get-tiny-image", exact: true }).boundingBox())!;
    const b = (await lane(page, "Deny").boundingBox())!;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 1 });
    const touch = (type: "touchStart" | "touchMove" | "touchEnd", x: number, y: number) =>
      cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y }] });
    const [x0, y0] = [a.x + a.width / 2, a.y + a.height / 2];
    await touch("touchStart", x0, y0);
    await page.waitForTimeout(400);
    for (let i = 1; i <= 10; i++) await touch("touchMove", x0 + ((b.x + b.width / 2 - x0) * i) / 10, y0);
    await touch("touchEnd", b.x + b.width / 2, y0);
    await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: false });
    await expect(card(page, "Deny", "get-tiny-image")).toBeVisible();
  });

  await test.step("someone else publishes first: told, shown the difference, then publish on top", async () => {
    const live = (await (await page.request.get(`/api/v1/servers/${serverId}/policy`)).json()) as { document: { tools: Record<string, unknown> } };
    const theirs = { ...live.document, tools: { ...live.document.tools, "get-tiny-image": { action: "deny" } } };
    expect((await page.request.put(`/api/v1/servers/${serverId}/policy`, { data: { document: theirs, message: "from someone else", baseVersion: 2 } })).status()).toBe(200);
    await page.getByRole("button", { name: "Publish version 3" }).click();
    const conflict = page.getByTestId("publish-conflict");
    await expect(conflict).toContainText("Version 3 was published while you edited");
    await expect(conflict.locator("pre")).toContainText("get-tiny-image");
    await shoot(page, "builder-conflict");
    await conflict.getByRole("button", { name: "Publish mine as version 4" }).click();
    await expect(page.getByTestId("current-version")).toHaveText("version 4");
  });

  await test.step("versions: authors, a diff, and rollback restores the earlier behaviour at the gateway", async () => {
    const versions = page.getByRole("list", { name: "Policy versions" });
    await expect(versions.getByRole("listitem")).toHaveCount(4);
    await expect(versions).toContainText("Bea");
    await page.getByLabel("Compare from").selectOption("1");
    await page.getByLabel("Compare with").selectOption("2");
    const changes = page.getByRole("table", { name: "Lane changes" });
    await expect(changes.getByRole("row", { name: /get-env/ })).toContainText("Hide");
    await shoot(page, "builder-versions");
    await page.getByRole("button", { name: "Roll back to version 1" }).click();
    await expect(page.getByTestId("rolled-back")).toContainText("version 5");
    await expect(page.getByTestId("current-version")).toHaveText("version 5");
    const client = await connect(gateway, token);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("get-env");
    await client.close();
  });

  await test.step("a category rule in a form: Write tools behind approval, 10 minutes, then removed", async () => {
    const custom = page.getByRole("region", { name: "Patterns, categories and all-tools rules" });
    await custom.getByLabel("Category", { exact: true }).selectOption("Write");
    await custom.getByLabel("Lane of the category").selectOption("require_approval");
    await custom.getByRole("button", { name: "Add category rule" }).click();
    const drawer = page.getByRole("dialog", { name: "Write tools" });
    await expect(drawer.getByLabel("Lane")).toHaveValue("require_approval");
    await drawer.getByLabel("Approval timeout in minutes").fill("10");
    await drawer.getByLabel("Approval timeout in minutes").blur();
    const categories = async () => (JSON.parse((await draftText(page, serverId)) || "{}") as { categories?: unknown }).categories;
    await expect.poll(categories).toEqual({ Write: { action: "require_approval", approval: { timeout_seconds: 600, mode: "retry" } } });
    await drawer.screenshot({ path: `${SHOTS}/builder-category-drawer-1280.png` });
    await drawer.getByLabel("Lane").selectOption("");
    await expect.poll(categories).toEqual({ Write: {} });
    await drawer.getByRole("button", { name: "Remove the category rule" }).click();
    await expect(drawer).toBeHidden();
    await expect.poll(categories).toBeUndefined();
    await expect(custom.getByRole("group", { name: "Category rule Write tools" })).toHaveCount(0);
  });
});
