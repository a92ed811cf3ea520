import { describe, expect, it } from "vitest";
import { OPENED_CACHE_MAX, SessionSealer } from "./session-token";

describe("SessionSealer", () => {
  const sealer = new SessionSealer("secret-a");
  const claims = { upstreamSessionId: "up-123", grantId: "gnt_1", serverId: "srv_1" };

  it("round-trips the claims", () => {
    const token = sealer.seal(claims);
    expect(sealer.open(token)).toMatchObject(claims);
    expect(token).not.toContain("up-123");
  });

  it("gives a different token each time (random IV)", () => {
    expect(sealer.seal(claims)).not.toBe(sealer.seal(claims));
  });

  it("rejects tokens sealed with another key, altered, truncated or garbage", () => {
    const token = sealer.seal(claims);
    expect(new SessionSealer("secret-b").open(token)).toBeNull();
    const flipped = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    expect(sealer.open(flipped)).toBeNull();
    expect(sealer.open(token.slice(0, 20))).toBeNull();
    expect(sealer.open("up-123")).toBeNull();
    expect(sealer.open("")).toBeNull();
    expect(sealer.open("s1." + "x".repeat(5000))).toBeNull();
  });

  it("carries whether the client declared URL elicitation, false unless sealed so", () => {
    expect(sealer.open(sealer.seal({ ...claims, elicitUrl: true }))?.elicitUrl).toBe(true);
    expect(sealer.open(sealer.seal(claims))?.elicitUrl).toBe(false);
  });

  it("keeps an empty upstream session id (stateless upstreams)", () => {
    expect(sealer.open(sealer.seal({ ...claims, upstreamSessionId: "" }))?.upstreamSessionId).toBe("");
  });

  it("remembers opened tokens (the same frozen claims), never a forged one, and stays bounded", () => {
    const fresh = new SessionSealer("secret-c");
    const token = fresh.seal(claims);
    const first = fresh.open(token);
    expect(fresh.open(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const flipped = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    for (let i = 0; i < 3; i++) expect(fresh.open(flipped)).toBeNull();
    const cache = (fresh as unknown as { opened: Map<string, unknown> }).opened;
    expect(cache.size).toBe(1);
    for (let i = 0; i <= OPENED_CACHE_MAX; i++) fresh.open(fresh.seal({ ...claims, upstreamSessionId: `s${i}` }));
    expect(cache.size).toBeLessThanOrEqual(OPENED_CACHE_MAX);
    expect(fresh.open(token)).toMatchObject(claims);
  });
});
