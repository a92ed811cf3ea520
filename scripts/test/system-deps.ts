// What `npm test` needs beyond npm packages: Debian's Chromium (Playwright drives it; its own
// browser download cannot work here) and redis-server (limiter tests across processes).
// Installed with apt-get when missing and running as root; otherwise a message says what to do.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const has = (cmd: string, args = ["--version"]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

export function ensureSystemDeps(log: (m: string) => void) {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push("chromium");
  if (!has(process.env.REDIS_SERVER_BIN ?? "redis-server")) missing.push("redis-server");
  if (missing.length === 0) return;

  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has("apt-get", ["--version"])) {
    throw new Error(
      `missing: ${missing.join(", ")}. Install them (Debian/Ubuntu: sudo apt-get install -y ${missing.join(" ")}), ` +
        `or point CHROMIUM_PATH / REDIS_SERVER_BIN at existing binaries, then run npm test again`,
    );
  }
  log(`installing ${missing.join(", ")} with apt-get (a couple of minutes the first time)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
  if (update.status !== 0) throw new Error("apt-get update failed: see its output above");
  const install = spawnSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], { stdio: "inherit", env });
  if (install.status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed: see its output above`);
}
