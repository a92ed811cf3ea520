import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalProcessOpener, processEnv } from "./local-process";
import { envRefusal, resolveExecutable } from "./stdio-policy";
import type { LaunchSpec, MessageChannel } from "./types";

const spec = (over: Partial<LaunchSpec>): LaunchSpec => ({ serverId: "s", orgId: "o", kind: "command", command: "node", args: [], cwd: null, env: {}, mode: "session", idleTimeoutMs: 1000, maxProcesses: 1, ...over });
/** "gone" for a process that no longer runs (a zombie left for a non-reaping init counts as gone). */
function aliveState(pid: number): "gone" | "running" {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z" ? "gone" : "running";
  } catch {
    return "gone";
  }
}
const exited = (c: MessageChannel) => new Promise<string>((r) => c.onExit((e) => r(e.message)));

describe("command processes", () => {
  it("pass on only an allow-list of Toolgate's variables, never its secrets, plus the server's own", () => {
    const parent = { NODE_ENV: "production" as const, PATH: "/bin", HOME: "/h", LC_TIME: "C", DATABASE_URL: "postgres://secret", TOOLGATE_ENCRYPTION_KEY: "k", NEXTAUTH_SECRET: "n", OTHER: "o" };
    const env = processEnv(spec({ env: { MINE: "1" } }), parent, ["OTHER", "DATABASE_URL", "TOOLGATE_ENCRYPTION_KEY"]);
    expect(env).toEqual({ PATH: "/bin", HOME: "/h", LC_TIME: "C", OTHER: "o", MINE: "1" });
  });

  it("with an allow-list: the server's env may not change which program runs or inject code", () => {
    const policy = { mode: "allowlist" as const, allowlist: ["node"] };
    expect(envRefusal(["PATH", "NODE_OPTIONS", "LD_PRELOAD", "API_TOKEN"], policy)).toMatch(/may not set PATH, NODE_OPTIONS, LD_PRELOAD/);
    expect(envRefusal(["API_TOKEN"], policy)).toBeNull();
    expect(envRefusal(["PATH"], { mode: "on", allowlist: [] })).toBeNull();
  });

  it("with an allow-list, a bare name is the file on Toolgate's PATH, not on the server's env PATH", async () => {
    const fake = mkdtempSync(path.join(tmpdir(), "tg-fake-"));
    writeFileSync(path.join(fake, "node"), "#!/bin/sh\necho hijacked >&2\nexit 7\n");
    chmodSync(path.join(fake, "node"), 0o755);
    expect(resolveExecutable("node", `${fake}${path.delimiter}/usr/bin`)).toBe(path.join(fake, "node"));
    expect(resolveExecutable("definitely-missing-xyz", "/usr/bin")).toBeNull();
    // PATH in the server's env is refused at the door; the resolution on Toolgate's PATH is the second lock.
    const opener = new LocalProcessOpener(() => ({ mode: "allowlist", allowlist: ["node"] }));
    await expect(opener.open(spec({ env: { PATH: fake } }), () => {})).rejects.toThrow(/may not set PATH/);
    const channel = await opener.open(spec({ args: ["-e", "process.exit(3)"] }), () => {});
    expect(await exited(channel)).toMatch(/exited with code 3/);
  });

  it("a process that exits reports its last stderr line; what it started is killed with it", async () => {
    const opener = new LocalProcessOpener(() => ({ mode: "on", allowlist: [] }));
    const lines: string[] = [];
    // The leader starts a child that would live for a minute, then exits.
    const script = "const c=require('child_process').spawn(process.execPath,['-e','setTimeout(()=>{},60000)'],{stdio:'ignore'});console.error('grandchild '+c.pid);setTimeout(()=>process.exit(2),200)";
    const channel = await opener.open(spec({ command: process.execPath, args: ["-e", script] }), (_s, t) => lines.push(t));
    const message = await exited(channel);
    expect(message).toMatch(/exited with code 2 \(last stderr line: grandchild \d+\)/);
    const grandchild = Number(/grandchild (\d+)/.exec(message)![1]);
    await new Promise((r) => setTimeout(r, 200));
    expect(aliveState(grandchild)).toBe("gone");
  });
});
