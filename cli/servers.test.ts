import { describe, expect, it } from "vitest";
import { serversCommand } from "./servers";
import type { CliIo } from "./io";

// The arguments of `toolgate servers add` → the request it sends (the API's answers to it are
// tested against a running Toolgate in tests/integration/cli.test.ts).
function world() {
  const sent: { url: string; body: unknown }[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readText: () => "",
    env: { TOOLGATE_URL: "https://tg.example.com", TOOLGATE_API_KEY: "tgk_test" },
    homedir: () => "/nonexistent",
    fetch: async (url, init) => {
      sent.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      const server = { id: "srv_1", name: "n", kind: "command" };
      return new Response(JSON.stringify({ server, sync: null }), { status: 201, headers: { "content-type": "application/json" } });
    },
  };
  return { io, sent, out, err };
}

describe("toolgate servers add", () => {
  it("a command server: the command and its arguments after --, variables, directory and process settings", async () => {
    const w = world();
    const code = await serversCommand(["add", "--name", "files", "--env", "TOKEN=a=b", "--cwd", "/srv", "--shared", "--idle-timeout", "60", "--max-processes", "3", "--no-sync", "--", "npx", "-y", "@modelcontextprotocol/server-filesystem", "/data"], w.io);
    expect(code).toBe(0);
    expect(w.sent).toEqual([
      {
        url: "https://tg.example.com/api/v1/servers",
        body: { name: "files", kind: "command", command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "/data"], env: { TOKEN: "a=b" }, cwd: "/srv", processMode: "shared", idleTimeoutSeconds: 60, maxProcesses: 3, sync: false },
      },
    ]);
  });

  it("a connector server", async () => {
    const w = world();
    await serversCommand(["add", "--name", "laptop", "--connector"], w.io);
    expect(w.sent[0].body).toEqual({ name: "laptop", kind: "connector" });
  });

  it("refuses mixed kinds before sending anything", async () => {
    for (const args of [
      ["add", "--name", "x", "--url", "https://a/mcp", "--", "node"],
      ["add", "--name", "x", "--connector", "--", "node"],
      ["add", "--name", "x", "--env", "A=1", "--url", "https://a/mcp"],
      ["add", "--name", "x", "--shared", "--url", "https://a/mcp"],
      ["add", "--name", "x", "--env", "nope", "--", "node"],
      ["add", "--name", "x", "--max-processes", "0", "--", "node"],
    ]) {
      const w = world();
      await expect(serversCommand(args, w.io), args.join(" ")).rejects.toThrow();
      expect(w.sent).toEqual([]);
    }
  });
});
