import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

// The production build is stale when any input of `next build` changed since it was made.
// Inputs are hashed by content (not mtime) so that a fresh clone with an old .next, or a
// checkout of another branch, is detected reliably; hashing ~500 files takes a few ms.
const INPUT_DIRS = ["app", "components", "lib", "gateway", "public"];
const INPUT_FILES = ["next.config.js", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];
const SKIP = new Set(["node_modules", ".next", "generated"]);
const distDir = () => process.env.TOOLGATE_DIST_DIR || ".next";
const stampPath = (root: string) => path.join(root, distDir(), "toolgate-build.json");

export function hashBuildInputs(root: string): string {
  const hash = createHash("sha256");
  const files: string[] = [];
  for (const dir of INPUT_DIRS) collect(path.join(root, dir), files);
  for (const f of INPUT_FILES) if (existsSync(path.join(root, f))) files.push(path.join(root, f));
  files.sort();
  for (const file of files) {
    if (file.endsWith(".test.ts")) continue;
    hash.update(path.relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

function collect(dir: string, out: string[]) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) collect(full, out);
    else out.push(full);
  }
}

export function isBuildCurrent(root: string, inputsHash: string): boolean {
  const stamp = stampPath(root);
  if (!existsSync(stamp) || !existsSync(path.join(root, distDir(), "BUILD_ID"))) return false;
  try {
    return JSON.parse(readFileSync(stamp, "utf8")).inputs === inputsHash;
  } catch {
    return false;
  }
}

export function writeBuildStamp(root: string, inputsHash: string) {
  writeFileSync(stampPath(root), JSON.stringify({ inputs: inputsHash, builtAt: new Date().toISOString() }) + "\n");
}
