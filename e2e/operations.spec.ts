import { expect, test } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { startTestUpstream, type TestUpstream } from "../tests/helpers/test-upstream";
import { signUp, uniqueEmail } from "./helpers";
import { SHOTS, card, connect, drag, lane, publish, shoot, textOf } from "./builder-helpers";

// Issue 9 in the builder: a multiplexed tool (`manage_aws_glue_jobs`, its operation chosen by
// `operation`) is expanded into a card per group of operations; `delete-*` is dragged to Require
// approval and `stop-*` moved to Deny with the keyboard; after publishing, an agent through the
// gateway is asked for approval for `delete-job`, refused `stop-job-run`, and `get-job` runs.

const TOOL = "manage_aws_glue_jobs";
let upstream: TestUpstream;
test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  upstream = await startTestUpstream({ multiplexed: true });
});
test.afterAll(async () => {
  await upstream?.close();
});

test("expand a multiplexed tool, put delete-* behind approval, publish: the gateway asks for approval for delete-job and runs get-job", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await signUp(page, { email: uniqueEmail("operations"), name: "Opal" });
  const created = await page.request.post("/api/v1/servers", { data: { name: "glue", url: upstream.url } });
  expect(created.status()).toBe(201);
  const serverId = ((await created.json()) as { server: { id: string } }).server.id;
  const grant = (await (await page.request.post(`/api/v1/servers/${serverId}/grants`, { data: { label: "glue-agent" } })).json()) as { token: string };

  await page.goto(`/servers/${serverId}/policy`);
  const group = (lane: string, key: string) => card(page, lane, `${key} of ${TOOL}`);
  /** The tool's rule in the builder's draft as autosaved (undefined until it is). */
  const draftedRule = async () => {
    const { draft } = (await (await page.request.get(`/api/v1/servers/${serverId}/policy/draft`)).json()) as { draft: { text: string } | null };
    return (JSON.parse(draft?.text ?? "{}") as { tools?: Record<string, unknown> }).tools?.[TOOL];
  };

  await test.step("the whole tool to Allow: unlisted operations follow it", async () => {
    const tool = page.locator(`[data-tool="${TOOL}"]`);
    await expect(tool).toBeVisible();
    const from = (await tool.evaluate((el) => el.closest("[data-lane]")?.getAttribute("data-lane"))) ?? "";
    if (from !== "allow") {
      await drag(page, tool.getByRole("button", { name: TOOL, exact: true }), lane(page, "Allow"));
    }
    await expect(card(page, "Allow", TOOL)).toBeVisible();
  });

  await test.step("expand the card into groups of operations, each in the tool's lane", async () => {
    const toggle = page.getByRole("button", { name: `Show the 8 operations of ${TOOL}` });
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await toggle.click();
    await expect(page.getByRole("button", { name: `Fold the 8 operations of ${TOOL}` })).toHaveAttribute("aria-expanded", "true");
    for (const key of ["create-*", "delete-*", "get-*", "update-*", "start-*", "stop-*"]) await expect(group("Allow", key)).toBeVisible();
    await expect(group("Allow", "get-*")).toContainText("3 operations");
    await expect(group("Allow", "delete-*").getByRole("img", { name: "Risk: Destructive, critical" })).toBeVisible();
    await expect(group("Allow", "get-*")).toContainText("as the tool");
  });

  await test.step("drag delete-* to Require approval: the approval options open for it", async () => {
    await drag(page, group("Allow", "delete-*").getByRole("button", { name: `delete-* of ${TOOL}`, exact: true }), lane(page, "Require approval"));
    await expect(group("Require approval", "delete-*")).toBeVisible();
    const drawer = page.getByRole("dialog", { name: "delete-*" });
    await expect(drawer).toContainText(`of ${TOOL}: delete-job`);
    await expect(drawer.getByLabel("Approval timeout in minutes")).toBeFocused();
    await drawer.screenshot({ path: `${SHOTS}/builder-operation-drawer-1280.png` });
    await page.keyboard.press("Escape");
    await expect(drawer).toBeHidden();
    await expect(page.getByText(`delete-* of ${TOOL} moved to Require approval.`)).toBeAttached();
  });

  await test.step("keyboard only: stop-* to Deny", async () => {
    const handle = page.getByRole("button", { name: `Move stop-* of ${TOOL}` });
    await handle.focus();
    await page.keyboard.press("Space");
    // dnd-kit listens for the arrow keys from the task after the pick-up (the handle is then pressed).
    await expect(handle).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("status").filter({ hasText: `stop-* of ${TOOL} is over the Allow lane.` })).toBeAttached();
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    // Dropped once the lane shows the card over it, as a person would (the drop goes where the builder last drew it).
    await expect(lane(page, "Deny")).toHaveAttribute("data-over", "true");
    await page.keyboard.press("Space");
    await expect(group("Deny", "stop-*")).toBeVisible();
    await expect(page.getByText(`stop-* of ${TOOL} moved to Deny.`)).toBeAttached();
  });

  await test.step("each operation on its own card: get-job-run to Rate limit, then look at it", async () => {
    await page.getByRole("button", { name: "Each", exact: true }).click();
    await expect(group("Allow", "get-job-run")).toBeVisible();
    // The patterns written so far are cards too, and the operations they cover say so.
    await expect(group("Require approval", "delete-job")).toContainText("via delete-*");
    await expect(group("Require approval", "delete-*")).toBeVisible();
    await page.getByRole("button", { name: "By group", exact: true }).click();
    await expect(group("Allow", "get-job-run")).toHaveCount(0);
    // Each lane's list from its top, where the expanded tool's card is.
    await page.evaluate(() => document.querySelectorAll("[data-lane] ul").forEach((list) => (list.scrollTop = 0)));
    await shoot(page, "builder-operations");
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.getByTestId("lanes").screenshot({ path: `${SHOTS}/builder-operations-lanes-${width}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  await test.step("publish", async () => {
    await expect
      .poll(async () => ((await draftedRule()) as { operations?: unknown } | undefined)?.operations)
      .toEqual({ "delete-*": { action: "require_approval", approval: { timeout_seconds: 3600, mode: "retry" } }, "stop-*": { action: "deny" } });
    await publish(page, "glue: deletes need approval, stops denied", 1);
  });

  await test.step("an agent through the gateway: delete-job asks for approval, stop-job-run is denied, get-job runs", async () => {
    const agent = await connect(`${baseURL}/mcp/${serverId}`, grant.token);
    const deleted = await agent.callTool({ name: TOOL, arguments: { operation: "delete-job", job_name: "nightly-etl" } });
    expect(deleted.isError).toBe(true);
    expect(textOf(deleted)).toContain("[APPROVAL REQUIRED]");
    const stopped = await agent.callTool({ name: TOOL, arguments: { operation: "stop-job-run", job_name: "nightly-etl" } });
    expect(stopped.isError).toBe(true);
    expect(textOf(stopped)).toContain("[POLICY DENIED]");
    const got = await agent.callTool({ name: TOOL, arguments: { operation: "get-job", job_name: "nightly-etl" } });
    expect(got.isError).toBeFalsy();
    expect(textOf(got)).toBe("get-job done");
    expect(upstream.calls.filter((c) => c.tool === TOOL).map((c) => c.args.operation)).toEqual(["get-job"]);
    await agent.close();
  });

  await test.step("the tool's drawer lists each operation's lane and applies the recommended rule, by each operation's rating", async () => {
    await page.locator(`[data-tool="${TOOL}"]`).getByRole("button", { name: TOOL, exact: true }).click();
    const drawer = page.getByRole("dialog", { name: TOOL });
    const row = (op: string) => drawer.getByRole("listitem").filter({ has: page.getByRole("button", { name: op, exact: true }) });
    await expect(row("delete-job")).toContainText("Require approval via delete-*");
    await expect(row("stop-job-run")).toContainText("Deny via stop-*");
    await expect(row("get-job")).toContainText("Allow (as the tool)");
    await drawer.getByRole("button", { name: /^Apply the recommended rule/ }).click();
    const inventory = (await (await page.request.get(`/api/v1/servers/${serverId}/tools`)).json()) as { items: { name: string; recommended: { rule: unknown } }[] };
    const recommended = inventory.items.find((t) => t.name === TOOL)!.recommended.rule;
    await expect.poll(draftedRule).toEqual(recommended);
    // Reads allowed, writes rate-limited, the destructive one behind approval.
    await expect(row("get-job")).toContainText("Allow");
    await expect(row("create-job")).toContainText("Rate limit");
    await expect(row("delete-job")).toContainText("Require approval");
    await page.keyboard.press("Escape");
    await expect(group("Require approval", "delete-job")).toBeVisible();
    await expect(group("Rate limit", "start-job-run")).toBeVisible();
  });
});
