import { describe, expect, it } from "vitest";
import { closeReason, parseConnectorFrame, parseHubFrame } from "./connector-protocol";

const raw = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));

describe("connector frames", () => {
  it("valid frames of each kind parse as they are", () => {
    const frames = [
      { t: "hello", version: 1, command: "npx", args: ["-y", "x"], hostname: "laptop" },
      { t: "opened", ch: "ab12", pid: 42 },
      { t: "opened", ch: "ab12", pid: null },
      { t: "failed", ch: "ab12", message: "command not found" },
      { t: "msg", ch: "ab12", data: '{"jsonrpc":"2.0"}' },
      { t: "log", ch: "ab12", stream: "stderr", text: "hi", pid: 42 },
      { t: "exit", ch: "ab12", code: 1, signal: null, message: "exited" },
    ];
    for (const f of frames) expect(parseConnectorFrame(raw(f))).toEqual(f);
    expect(parseHubFrame(raw({ t: "welcome", serverId: "s", serverName: "n" }))).toEqual({ t: "welcome", serverId: "s", serverName: "n" });
    expect(parseHubFrame(raw({ t: "open", ch: "c" }))).toEqual({ t: "open", ch: "c" });
  });

  it("garbage, wrong types and over-long strings are refused (null), never thrown", () => {
    const bad: unknown[] = [
      "not json",
      "null",
      "[]",
      '"hello"',
      { t: 5 },
      { t: "nope" },
      { t: "hello", version: 1, args: 5 }, // threw "not iterable" in the hub
      { t: "hello", version: 1, command: "x", args: [1], hostname: "h" },
      { t: "hello", version: "x".repeat(150), command: "x", args: [], hostname: "h" }, // made the close reason too long
      { t: "hello", version: 1, command: "x", args: Array(300).fill("a"), hostname: "h" },
      { t: "failed", ch: "a", message: { toString: 1 } },
      { t: "failed", ch: "a", message: "m".repeat(100_000) },
      { t: "log", ch: "a", stream: "stderr", text: 5, pid: null },
      { t: "log", ch: "a", stream: "stdin", text: "x", pid: null },
      { t: "log", ch: "a", stream: "stderr", text: "x", pid: -1 },
      { t: "exit", ch: "a", code: "1", signal: null, message: "x" },
      { t: "msg", ch: "a", data: { nested: true } },
      { t: "msg", ch: "", data: "x" },
      { t: "msg", ch: "c".repeat(65), data: "x" },
      { t: "opened", ch: "a" },
    ];
    for (const b of bad) expect(parseConnectorFrame(raw(b)), JSON.stringify(b)).toBeNull();
    expect(parseConnectorFrame(new ArrayBuffer(4))).toBeNull();
    for (const b of ["x", { t: "open" }, { t: "open", ch: 1 }, { t: "welcome", serverId: 1, serverName: "n" }, { t: "msg", ch: "a" }, { t: "hello", version: 1 }]) {
      expect(parseHubFrame(raw(b)), JSON.stringify(b)).toBeNull();
    }
  });

  it("a hello of another protocol version parses with its version (to be refused clearly), whatever its other fields", () => {
    expect(parseConnectorFrame(raw({ t: "hello", version: 2, caps: { x: 1 } }))).toMatchObject({ t: "hello", version: 2 });
    expect(parseConnectorFrame(raw({ t: "hello", version: 1, caps: { x: 1 } }))).toBeNull();
  });

  it("close reasons are cut to 120 bytes of UTF-8 on a character boundary", () => {
    expect(closeReason("short")).toBe("short");
    const exact = "a".repeat(120);
    expect(closeReason(exact)).toBe(exact);
    for (const long of ["a".repeat(500), "é".repeat(100), "😀".repeat(40), `unsupported connector protocol version ${"9".repeat(150)}`]) {
      const cut = closeReason(long);
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(120);
      expect(cut.endsWith("…")).toBe(true);
      expect(long.startsWith(cut.slice(0, -1))).toBe(true);
      expect(cut).not.toContain("\uFFFD");
    }
  });
});
