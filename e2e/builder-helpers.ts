import { expect, type Locator, type Page } from "@playwright/test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

// What the policy builder's journeys share: lanes and cards by their accessible names, a mouse
// drag dnd-kit recognises, publishing, screenshots at both widths, and an agent at the gateway.
export const SHOTS = "test-results/screenshots";

export const lane = (page: Page, title: string) => page.getByRole("region", { name: title, exact: true });
export const card = (page: Page, title: string, name: string) => lane(page, title).getByRole("group", { name, exact: true });

/** An MCP client (the official SDK) calling through the gateway with a grant's token. */
export async function connect(url: string, token: string) {
  const client = new Client({ name: "e2e-builder", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}
export const textOf = (r: unknown) => (r as { content?: { text?: string }[] }).content?.[0]?.text ?? "";

/** A mouse drag from one element to another, in small steps so dnd-kit sees a drag. */
export async function drag(page: Page, from: Locator, to: Locator): Promise<{ aim: number; steps: number }> {
  const t0 = Date.now();
  // In the middle of the viewport (near an edge dnd-kit would scroll the page while dragging);
  // hover then waits until it is stable and puts the mouse on its centre.
  await from.evaluate((el) => el.scrollIntoView({ block: "center" }));
  await from.hover();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  const t1 = Date.now();
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 4, { steps: 4 });
  // Lanes share a row and stretch to its height: aim at the card's own height when the lane spans it.
  const y = a.y + a.height / 2 >= b.y && a.y + a.height / 2 <= b.y + b.height ? a.y + a.height / 2 : b.y + 60;
  await page.mouse.move(b.x + b.width / 2, y, { steps: 12 });
  // Released once the lane shows the card is over it, as a person would: on a loaded machine the
  // last pointer moves can still wait for their render, and a drop goes where the builder last drew it.
  if ((await to.getAttribute("data-lane")) !== null) await expect(to).toHaveAttribute("data-over", "true");
  await page.mouse.up();
  return { aim: t1 - t0, steps: Date.now() - t1 };
}

/**
 * What the browser's main thread spent while `act` ran (Chrome's Performance domain): script,
 * style recalculation, layout, and the wall time of the pointer steps alone.
 */
export async function measured(page: Page, act: () => Promise<{ aim: number; steps: number }>): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const read = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const a = await read();
  const started = Date.now();
  const { aim, steps } = await act();
  const wall = Date.now() - started;
  const b = await read();
  await cdp.detach();
  const ms = (k: string) => `${Math.round((b[k] - a[k]) * 1000)} ms`;
  const n = (k: string) => `${b[k] - a[k]}`;
  return `wall ${wall} ms (finding the card ${aim} ms, 17 pointer steps ${steps} ms); task ${ms("TaskDuration")}, script ${ms("ScriptDuration")}, style ${ms("RecalcStyleDuration")} (${n("RecalcStyleCount")}×), layout ${ms("LayoutDuration")} (${n("LayoutCount")}×)`;
}

/** Starts recording the intervals between the frames the page paints (requestAnimationFrame). */
export async function startFrames(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __framesOn: boolean };
    w.__frames = [];
    w.__framesOn = true;
    let last = performance.now();
    const tick = (t: number) => {
      if (!w.__framesOn) return;
      w.__frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Stops recording: how many frames, the median and the longest interval between two. */
export async function stopFrames(page: Page): Promise<{ count: number; median: number; longest: number }> {
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __framesOn: boolean };
    w.__framesOn = false;
    return w.__frames.slice(1);
  });
  const sorted = [...frames].sort((a, b) => a - b);
  return { count: frames.length, median: sorted[Math.floor(sorted.length / 2)] ?? 0, longest: sorted.at(-1) ?? 0 };
}

export async function publish(page: Page, message: string, version: number) {
  await page.getByLabel("Version message").fill(message);
  await page.getByRole("button", { name: `Publish version ${version}` }).click();
  await expect(page.getByTestId("published-version")).toHaveText(new RegExp(`Published version ${version}`));
  await expect(page.getByTestId("current-version")).toHaveText(`version ${version}`);
}

export async function shoot(page: Page, name: string) {
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 1000 });
}

