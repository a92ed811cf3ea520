import { expect, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";
let n = 0;
export function uniqueEmail(tag: string) {
  return `${tag}-${Date.now().toString(36)}-${process.pid}-${++n}@example.com`;
}

export async function signUp(page: Page, opts: { email: string; name?: string; password?: string }) {
  await page.goto("/signup");
  if (opts.name) await page.getByLabel("Name").fill(opts.name);
  await page.getByLabel("Email").fill(opts.email);
  await page.getByLabel("Password").fill(opts.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Full-page screenshots of the page as it is, at each width (then back to 1280 px). */
export async function shootWidths(page: Page, name: string, widths = [1280, 1920]) {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 1000 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 1000 });
}
