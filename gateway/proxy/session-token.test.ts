import { describe, expect, it } from "vitest";
import { SessionSealer } from "./session-token";

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

  it("keeps an empty upstream session id (stateless upstreams)", () => {
    expect(sealer.open(sealer.seal({ ...claims, upstreamSessionId: "" }))?.upstreamSessionId).toBe("");
  });
});
