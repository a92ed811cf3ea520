import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startToolgateProcess } from "../helpers/toolgate-process";
import { apiClient, uniqueEmail, PASSWORD } from "../helpers/http";

// `npm start` as a user runs it: embedded PostgreSQL in the data dir, nothing else.
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newDataDir() {
  const d = mkdtempSync(path.join(tmpdir(), "toolgate-start-"));
  dirs.push(d);
  return d;
}

/** PostgreSQL processes whose command line names this data dir's cluster. */
function postgresFor(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmd.includes("postgres") && cmd.includes(path.join(dataDir, "pg"))) pids.push(Number(entry));
    } catch {
      /* process ended meanwhile */
    }
  }
  return pids;
}

async function waitFor(cond: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end && !cond()) await new Promise((r) => setTimeout(r, 100));
  return cond();
}

describe("start-up", () => {
  it("two instances with their own data dirs run side by side, each with its own data", async () => {
    const [a, b] = await Promise.all([startToolgateProcess({ dataDir: newDataDir() }), startToolgateProcess({ dataDir: newDataDir() })]);
    try {
      const email = uniqueEmail("side");
      expect((await apiClient(a.url)("POST", "/api/v1/signup", { email, password: PASSWORD })).status).toBe(201);
      expect((await apiClient(b.url)("POST", "/api/v1/signup", { email, password: PASSWORD })).status).toBe(201);
      expect((await apiClient(a.url)("GET", "/api/health")).status).toBe(200);
      expect((await apiClient(b.url)("GET", "/api/health")).status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("a second start reuses the data; SIGTERM leaves no PostgreSQL running", async () => {
    const dataDir = newDataDir();
    const first = await startToolgateProcess({ dataDir });
    expect(first.output()).toContain("initialising the PostgreSQL cluster");
    const email = uniqueEmail("persist");
    expect((await apiClient(first.url)("POST", "/api/v1/signup", { email, password: PASSWORD })).status).toBe(201);
    expect(postgresFor(dataDir).length).toBeGreaterThan(0);
    expect(await first.stop("SIGTERM")).toBe(0);
    expect(postgresFor(dataDir)).toEqual([]);

    const second = await startToolgateProcess({ dataDir });
    try {
      expect(second.output()).not.toContain("initialising the PostgreSQL cluster");
      expect(second.output()).toContain("database schema is up to date");
      const again = await apiClient(second.url)("POST", "/api/v1/signup", { email, password: PASSWORD });
      expect(again.status).toBe(409);
    } finally {
      await second.stop("SIGINT");
    }
    expect(postgresFor(dataDir)).toEqual([]);
  });

  it("kill -9 of Toolgate still leaves no PostgreSQL running, and the next start works", async () => {
    const dataDir = newDataDir();
    const app = await startToolgateProcess({ dataDir });
    expect(postgresFor(dataDir).length).toBeGreaterThan(0);
    await app.stop("SIGKILL");
    expect(await waitFor(() => postgresFor(dataDir).length === 0, 15_000)).toBe(true);
    const next = await startToolgateProcess({ dataDir });
    try {
      expect((await apiClient(next.url)("GET", "/api/health")).status).toBe(200);
    } finally {
      await next.stop();
    }
  });

  it("refuses a bad configuration with a clear message", async () => {
    await expect(startToolgateProcess({ dataDir: newDataDir(), env: { DATABASE_URL: "not a url" } })).rejects.toThrow(/DATABASE_URL/);
  });
});
