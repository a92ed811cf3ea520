import { describe, expect, it } from "vitest";
import { answerSuggestsLegacy, LegacyDetections, maybeLegacyStatus } from "./detect";
import { server } from "./testing";

describe("legacy detection rule", () => {
  it("takes 404 and 405 for a legacy server's GET-only URL", () => {
    expect(answerSuggestsLegacy(404, "Cannot POST /sse")).toBe(true);
    expect(answerSuggestsLegacy(405, "")).toBe(true);
  });

  it("takes 400 for legacy only when the body is not a JSON-RPC answer", () => {
    expect(answerSuggestsLegacy(400, "Invalid message")).toBe(true);
    expect(answerSuggestsLegacy(400, "<html>bad</html>")).toBe(true);
    expect(answerSuggestsLegacy(400, '{"error":"bad"}')).toBe(true);
    expect(answerSuggestsLegacy(400, '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Bad Request"}}')).toBe(false);
    expect(answerSuggestsLegacy(400, '[{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"x"}}]')).toBe(false);
  });

  it("never switches transports on other statuses", () => {
    for (const status of [200, 202, 401, 403, 406, 413, 415, 500, 502]) {
      expect(maybeLegacyStatus(status)).toBe(false);
      expect(answerSuggestsLegacy(status, "")).toBe(false);
    }
  });
});

describe("LegacyDetections", () => {
  it("remembers a server at its URL until the entry expires or is dropped", () => {
    let now = 0;
    const d = new LegacyDetections(1_000, 10, () => now);
    expect(d.has(server)).toBe(false);
    d.remember(server);
    expect(d.has(server)).toBe(true);
    expect(d.has({ ...server, url: "http://127.0.0.1:2/sse" })).toBe(false);
    now = 999;
    expect(d.has(server)).toBe(true);
    now = 1_000;
    expect(d.has(server)).toBe(false);
    d.remember(server);
    d.forget(server);
    expect(d.has(server)).toBe(false);
  });

  it("keeps a bounded number of servers, dropping the oldest", () => {
    const d = new LegacyDetections(60_000, 2);
    const s = (n: number) => ({ ...server, serverId: `s${n}` });
    [1, 2, 3].forEach((n) => d.remember(s(n)));
    expect([1, 2, 3].map((n) => d.has(s(n)))).toEqual([false, true, true]);
  });
});
