import { expect, test } from "@playwright/test";
import { PASSWORD, signIn, signUp, uniqueEmail } from "./helpers";

test("the landing page says what Toolgate does and leads to sign-up", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Decide what your AI agents may do");
  await page.getByRole("link", { name: /Get started/ }).click();
  await expect(page.getByRole("heading", { name: "Create your Toolgate account" })).toBeVisible();
});

test("sign up lands in the dashboard of a new organization; sign out and back in", async ({ page }) => {
  const email = uniqueEmail("journey");
  await signUp(page, { email, name: "Robin" });
  await expect(page.getByRole("heading", { name: "Welcome, Robin" })).toBeVisible();
  await expect(page.getByTestId("current-org")).toHaveText("Robin's organization");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Servers" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);

  await signIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Welcome, Robin" })).toBeVisible();
});

test("sign-up shows each bad field; a taken email says so", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("enter a valid email address")).toBeVisible();
  await expect(page.getByText("password must be at least 10 characters")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

  const email = uniqueEmail("taken");
  await signUp(page, { email });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("an account with this email already exists")).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  const email = uniqueEmail("wrongpw");
  await signUp(page, { email });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, email, "definitely not it");
  await expect(page.getByRole("alert").filter({ hasText: "wrong email or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});
