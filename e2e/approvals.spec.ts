import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startTestUpstream, type TestUpstream } from "../tests/helpers/test-upstream";
import { PASSWORD, signUp, uniqueEmail } from "./helpers";

// The approvals journey: an agent (the MCP SDK through the gateway) calls a tool a rule puts
// behind approval; the request appears in the inbox (and the sidebar's badge) within a poll; the
// sign-up admin approves it with a comment on the page the agent was told about; the agent's
// retry of the same call runs. A viewer invited into the organization sees the request but has
// no buttons, and the API refuses their decision with 403; the rule of another tool names that
// viewer as an approver, and there they have the buttons and approve. Screenshots at 1280 px.

const SHOTS = "test-results/screenshots";
let upstream: TestUpstream;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  upstream = await startTestUpstream();
});
test.afterAll(async () => {
  await upstream?.close();
});

async function shoot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

function textOf(result: unknown): string {
  return (result as { content?: { text?: string }[] }).content?.[0]?.text ?? "";
}

test("an agent's call waits in the inbox, a policy manager approves it, the retry runs; a viewer cannot decide", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signUp(page, { email: uniqueEmail("approver"), name: "Avery" });

  // A server whose `echo` needs approval and `delete_file` too — the latter by admins, policy
  // managers or the viewer invited below, whom its rule names — and a grant for the agent (API).
  const created = await page.request.post("/api/v1/servers", { data: { name: "payments", url: upstream.url } });
  expect(created.status()).toBe(201);
  const serverId = ((await created.json()) as { server: { id: string } }).server.id;
  const viewerEmail = uniqueEmail("viewer");
  const policy = {
    version: "1",
    default: "allow",
    tools: { echo: { action: "require_approval", approval: { timeout_seconds: 900 } }, delete_file: { action: "require_approval", approval: { approvers: [viewerEmail] } } },
  };
  expect((await page.request.put(`/api/v1/servers/${serverId}/policy`, { data: { document: policy } })).status()).toBe(200);
  const grant = (await (await page.request.post(`/api/v1/servers/${serverId}/grants`, { data: { label: "billing-agent" } })).json()) as { token: string; gatewayUrl: string };

  // Empty inbox first.
  await page.goto("/approvals");
  await expect(page.getByRole("heading", { name: "No approvals waiting" })).toBeVisible();
  await expect(page.getByTestId("pending-approvals-badge")).toHaveCount(0);

  // The agent calls: it is told a human must approve, with the id and the page.
  const agent = new Client({ name: "e2e-agent", version: "1.0.0" });
  await agent.connect(new StreamableHTTPClientTransport(new URL(grant.gatewayUrl), { requestInit: { headers: { authorization: `Bearer ${grant.token}` } } }));
  const args = {
    message: `Refund order #48213 to customer 5521 for €1,250.00 — reason: duplicate charge on card ending 4242; ticket https://support.example.com/tickets/48213-duplicate-charge-refund-requested-twice`,
  };
  const first = await agent.callTool({ name: "echo", arguments: args });
  expect(first.isError).toBe(true);
  expect(textOf(first)).toContain("[APPROVAL REQUIRED]");
  const approvalId = /approval id (apr_[0-9a-f]+)/.exec(textOf(first))![1];
  // A second request, for the inbox to have something else in it (the named viewer decides it).
  const deleteArgs = { path: "/srv/exports/2026-11-customers.csv" };
  const deleteId = /approval id (apr_[0-9a-f]+)/.exec(textOf(await agent.callTool({ name: "delete_file", arguments: deleteArgs })))![1];

  // It appears without a reload (5 s polling), pending first, with the badge.
  const card = page.locator(`[data-approval-id="${approvalId}"]`);
  await expect(card).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("pending-approvals-badge")).toContainText("2");
  await expect(card.getByTestId("approval-args")).toContainText("duplicate charge on card ending 4242");
  await expect(card).toContainText("billing-agent");
  await expect(card).toContainText("payments");
  await expect(card.getByRole("img", { name: /^Risk:/ })).toBeVisible();
  await expect(card.getByTestId("countdown")).toHaveText(/^1[45] min \d\d s$/);
  await shoot(page, "approvals-inbox-1280");

  // Filters live in the URL.
  await page.getByLabel("Tool").selectOption("delete_file");
  await expect(page).toHaveURL(/tool=delete_file/);
  await expect(page.getByTestId("approval")).toHaveCount(1);
  await expect(card).toHaveCount(0);
  await page.getByLabel("Tool").selectOption("");
  await expect(page.getByTestId("approval")).toHaveCount(2);

  // The viewer, in a browser of their own: sees the request, cannot decide.
  const invited = await page.request.post("/api/v1/invitations", { data: { email: viewerEmail, role: "viewer" } });
  expect(invited.status()).toBe(201);
  const { url: inviteUrl, invitation } = (await invited.json()) as { url: string; invitation: { email: string } };
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const viewer = await context.newPage();
  await viewer.goto(inviteUrl);
  await expect(viewer.getByLabel("Email")).toHaveValue(invitation.email);
  await viewer.getByLabel("Password").fill(PASSWORD);
  await viewer.getByRole("button", { name: "Create account and join" }).click();
  await expect(viewer).toHaveURL(/\/dashboard$/);
  await viewer.goto(`/approvals/${approvalId}`);
  await expect(viewer.getByTestId("approval-args")).toContainText("duplicate charge on card ending 4242");
  await expect(viewer.getByTestId("read-only-note")).toContainText("Only admins and policy managers can approve or deny");
  await expect(viewer.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Deny" })).toHaveCount(0);
  const refused = await viewer.request.post(`/api/v1/approvals/${approvalId}/approve`, { data: {} });
  expect(refused.status()).toBe(403);
  await shoot(viewer, "approval-detail-viewer-1280");

  // The admin opens the page the agent was told about and approves with a comment.
  await page.goto(`/approvals/${approvalId}`);
  await expect(page.getByRole("heading", { name: "Approval request" })).toBeVisible();
  await expect(page.getByTestId("approval-args")).toContainText("tickets/48213-duplicate-charge-refund-requested-twice");
  // Denying needs a reason.
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByText("Give a reason for the denial.")).toBeVisible();
  await shoot(page, "approval-detail-1280");
  await page.getByLabel(/^Comment/).fill("Checked with finance: duplicate charge confirmed");
  await page.getByRole("button", { name: "Approve" }).click();
  const decision = page.getByTestId("decision");
  await expect(decision).toContainText("Approved by Avery");
  await expect(decision).toContainText("Checked with finance: duplicate charge confirmed");
  await expect(page.getByTestId("approval")).toHaveAttribute("data-status", "approved");
  await expect(page.getByTestId("pending-approvals-badge")).toContainText("1");
  await shoot(page, "approval-detail-approved-1280");

  // The agent's retry of the same call runs, once; the page then says it was used.
  const retried = await agent.callTool({ name: "echo", arguments: args });
  expect(retried.isError).toBeFalsy();
  expect(textOf(retried)).toBe(args.message);
  await expect(page.getByTestId("approval")).toHaveAttribute("data-status", "used", { timeout: 15_000 });
  await expect(decision).toContainText("The agent's call ran on it");

  // The viewer's page follows too.
  await expect(viewer.getByTestId("approval")).toHaveAttribute("data-status", "used", { timeout: 15_000 });
  await expect(viewer.getByTestId("decision")).toContainText("Approved by Avery");

  // In the inbox, the viewer has buttons on the request whose rule names them, and only there.
  await viewer.goto("/approvals");
  await expect(viewer.getByText("decide only those whose rule names you as an approver")).toBeVisible();
  const named = viewer.locator(`[data-approval-id="${deleteId}"]`);
  await expect(named.getByTestId("approvers")).toHaveText(`Admins, policy managers, and ${viewerEmail}`);
  await expect(viewer.locator(`[data-approval-id="${approvalId}"]`).getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(named.getByRole("button", { name: "Approve" })).toBeVisible();
  await shoot(viewer, "approvals-inbox-named-viewer-1280");
  await named.getByLabel(/^Comment/).fill("It is my export: fine to delete");
  await named.getByRole("button", { name: "Approve" }).click();
  await expect(named).toHaveAttribute("data-status", "approved");
  await expect(named.getByTestId("decision")).toContainText(`Approved by ${viewerEmail}`);
  const deleted = await agent.callTool({ name: "delete_file", arguments: deleteArgs });
  expect(deleted.isError).toBeFalsy();
  await expect(page.getByTestId("pending-approvals-badge")).toHaveCount(0, { timeout: 15_000 });
  await agent.close();
  await context.close();
});

test("an admin sets up the approval webhook: the secret once, a signed test event, the delivery log", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d)).on("end", () => (got.push({ headers: req.headers, body }), res.end("ok")));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/toolgate`;
  try {
    await signUp(page, { email: uniqueEmail("hooks"), name: "Harper" });
    await page.goto("/settings");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Approvals" }).click();
    await expect(page.getByRole("heading", { name: "Approval webhook" })).toBeVisible();
    await page.getByLabel("Webhook URL").fill(url);
    await page.getByRole("button", { name: "Set up webhook" }).click();
    const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Send a test event" }).click();
    await expect(page.getByText("The receiver answered 200.")).toBeVisible();
    expect(got).toHaveLength(1);
    expect(got[0].headers["x-toolgate-event"]).toBe("test");
    expect(got[0].headers["x-toolgate-signature"]).toBe(`sha256=${createHmac("sha256", secret).update(got[0].body).digest("hex")}`);
    const log = page.getByRole("table");
    await expect(log).toContainText("test");
    await expect(log).toContainText(String(got[0].headers["x-toolgate-delivery"]));
    await shoot(page, "settings-approval-webhook-1280");
    // The secret is shown once: not after a reload.
    await page.reload();
    await expect(page.getByLabel("Webhook URL")).toHaveValue(url);
    await expect(page.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);
  } finally {
    await new Promise((r) => receiver.close(r));
  }
});
