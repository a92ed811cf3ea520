import { expect, test } from "@playwright/test";
import { PASSWORD, signUp, uniqueEmail } from "./helpers";

test("an admin invites a viewer, who joins through the link and cannot reach admin settings", async ({ page, browser }) => {
  const adminEmail = uniqueEmail("admin");
  await signUp(page, { email: adminEmail, name: "Alex" });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" }).click();

  const viewerEmail = uniqueEmail("viewer");
  await page.getByLabel("Email").fill(viewerEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Invite" }).click();
  const link = await page.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invite\/tgi_/);
  await expect(page.getByRole("list", { name: "Pending invitations" })).toContainText(viewerEmail);

  // The invitee, in a browser of their own.
  const context = await browser.newContext();
  const invitee = await context.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { name: "Join Alex's organization" })).toBeVisible();
  await expect(invitee.getByLabel("Email")).toHaveValue(viewerEmail);
  await invitee.getByLabel("Password").fill(PASSWORD);
  await invitee.getByRole("button", { name: "Create account and join" }).click();
  await expect(invitee).toHaveURL(/\/dashboard$/);
  await expect(invitee.getByTestId("current-org")).toHaveText("Alex's organization");
  await expect(invitee.getByTestId("current-role")).toHaveText("Viewer");

  // A viewer sees no admin tabs, and the pages themselves refuse.
  await invitee.goto("/settings");
  await expect(invitee.getByRole("navigation", { name: "Settings" }).getByRole("link")).toHaveText(["General"]);
  await invitee.goto("/settings/members");
  await expect(invitee.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await invitee.goto("/settings/api-keys");
  await expect(invitee.getByRole("heading", { name: "Admins only" })).toBeVisible();
  const apiAsViewer = await invitee.request.get("/api/v1/api-keys");
  expect(apiAsViewer.status()).toBe(403);

  // The used link cannot be used again.
  await invitee.goto(link);
  await expect(invitee.getByRole("alert").filter({ hasText: "already been used" })).toBeVisible();
  await context.close();

  // The admin sees the new member and can promote them.
  await page.reload();
  const members = page.getByRole("list", { name: "Members" });
  await expect(members).toContainText(viewerEmail);
  await page.getByLabel(`Role of ${viewerEmail}`).selectOption("policy_manager");
  await expect(page.getByLabel(`Role of ${viewerEmail}`)).toHaveValue("policy_manager");
});

test("an admin creates an API key, sees it once, and revokes it", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("keys") });
  await page.goto("/settings/api-keys");
  await page.getByLabel("Name").fill("ci-policy-push");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByRole("textbox", { name: "API key" }).inputValue();
  expect(key).toMatch(/^tgk_/);
  const res = await page.request.get("/api/v1/members", { headers: { authorization: `Bearer ${key}` } });
  expect(res.status()).toBe(200);

  await page.reload();
  await expect(page.getByRole("textbox", { name: "API key" })).toHaveCount(0);
  const keys = page.getByRole("list", { name: "API keys" });
  await expect(keys).toContainText("ci-policy-push");
  page.once("dialog", (d) => d.accept());
  await keys.getByRole("button", { name: "Revoke" }).click();
  await expect(keys).toContainText("revoked");
  const after = await page.request.get("/api/v1/members", { headers: { authorization: `Bearer ${key}` } });
  expect(after.status()).toBe(401);
});

test("a person with two organizations switches between them", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("multi"), name: "Kim" });
  await page.goto("/settings");
  await page.getByLabel("New organization").fill("Kim's second team");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByTestId("current-org").locator("option:checked")).toHaveText("Kim's second team");
  await page.getByTestId("current-org").selectOption({ label: "Kim's organization" });
  await expect(page.getByTestId("current-org").locator("option:checked")).toHaveText("Kim's organization");
  await page.goto("/dashboard");
  await expect(page.getByText("You are working in Kim's organization.")).toBeVisible();
});
