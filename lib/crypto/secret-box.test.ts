import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, parseKeyRing, seal } from "./secret-box";

const k1 = `v1:${randomBytes(32).toString("base64")}`;
const k2 = `v2:${randomBytes(32).toString("base64")}`;

describe("secret box", () => {
  it("round-trips and never contains the plaintext", () => {
    const ring = parseKeyRing(k1);
    const box = seal('{"authorization":"Bearer sk-live-123"}', ring);
    expect(box).not.toContain("sk-live");
    expect(open(box, ring)).toBe('{"authorization":"Bearer sk-live-123"}');
  });
  it("opens old boxes after a key rotation and seals with the newest key", () => {
    const old = seal("secret", parseKeyRing(k1));
    const rotated = parseKeyRing(`${k2},${k1}`);
    expect(open(old, rotated)).toBe("secret");
    expect(seal("x", rotated).startsWith("v2.")).toBe(true);
  });
  it("refuses tampered boxes and unknown key versions", () => {
    const ring = parseKeyRing(k1);
    const box = seal("secret", ring);
    const parts = box.split(".");
    parts[2] = Buffer.from("tampered").toString("base64url");
    expect(() => open(parts.join("."), ring)).toThrow();
    expect(() => open(box, parseKeyRing(k2))).toThrow(/unknown key version v1/);
  });
  it("rejects malformed key specs with a clear message", () => {
    expect(() => parseKeyRing("nope")).toThrow(/v1:<base64/);
    expect(() => parseKeyRing("v1:c2hvcnQ=")).toThrow(/32 bytes/);
  });
});
