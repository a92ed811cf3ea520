// Runs `prisma generate` after `npm install`. Prisma's CLI tries to download a native schema
// engine it does not need for generating; pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing
// executable skips that download (this machine cannot reach Prisma's binary host).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync("prisma/schema.prisma")) process.exit(0);
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.platform === "win32" ? process.execPath : "/bin/false";
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const bin = process.platform === "win32" ? "npx.cmd" : "npx";
const r = spawnSync(bin, ["prisma", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
