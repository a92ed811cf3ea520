import { defineConfig } from "@playwright/test";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// End-to-end journeys in Debian's Chromium (Playwright's own browser download cannot work
// here) against the app exactly as `npm start` serves it, with a fresh data dir per run.
const PORT = Number(process.env.E2E_PORT ?? 3917);
const DATA_DIR = path.join(tmpdir(), `toolgate-e2e-${PORT}`);
const BASE_URL = `http://localhost:${PORT}`;
if (process.env.TEST_WORKER_INDEX === undefined) rmSync(DATA_DIR, { recursive: true, force: true });

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "test-results/playwright.json" }]],
  outputDir: "test-results/e2e",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    command: "node --import tsx scripts/start.ts",
    url: `${BASE_URL}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // TOOLGATE_STDIO=on: command servers are offered (e2e/stdio-servers.spec.ts runs server-everything over stdio).
    env: { PORT: String(PORT), TOOLGATE_DATA_DIR: DATA_DIR, TOOLGATE_PUBLIC_URL: BASE_URL, TOOLGATE_STDIO: "on" },
  },
});
