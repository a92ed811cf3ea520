import { describe, expect, it } from "vitest";
import { commandRefusal, stdioPolicyFromEnv } from "./stdio-policy";

describe("stdio policy", () => {
  it("is off unless the operator turns it on", () => {
    expect(stdioPolicyFromEnv({}).mode).toBe("off");
    expect(stdioPolicyFromEnv({ TOOLGATE_STDIO: "yes" }).mode).toBe("off");
    expect(stdioPolicyFromEnv({ TOOLGATE_STDIO: " ON " }).mode).toBe("on");
    expect(commandRefusal("node", { mode: "off", allowlist: [] })).toMatch(/turned off.*TOOLGATE_STDIO=on/);
  });

  it("on lets any command run", () => {
    expect(commandRefusal("/usr/bin/anything", { mode: "on", allowlist: [] })).toBeNull();
  });

  it("allowlist matches bare names by name and paths only by their exact absolute path", () => {
    const p = stdioPolicyFromEnv({ TOOLGATE_STDIO: "allowlist", TOOLGATE_STDIO_ALLOWLIST: "npx, uvx,/opt/tools/server" });
    expect(p.allowlist).toEqual(["npx", "uvx", "/opt/tools/server"]);
    expect(commandRefusal("npx", p)).toBeNull();
    expect(commandRefusal("/opt/tools/server", p)).toBeNull();
    expect(commandRefusal("/opt/tools/../tools/server", p)).toBeNull();
    expect(commandRefusal("/tmp/evil/npx", p)).toMatch(/not on this Toolgate's allow-list.*npx, uvx/);
    expect(commandRefusal("./npx", p)).not.toBeNull();
    expect(commandRefusal("server", p)).not.toBeNull();
    expect(commandRefusal("bash", p)).not.toBeNull();
  });
});
