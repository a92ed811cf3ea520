import { describe, expect, it } from "vitest";
import { LegacyBridgeRegistry } from "./registry";
import { LegacyError } from "./errors";
import { SseOut } from "./sse-out";
import { newBridge, recordingResponse } from "./testing";

// Bounds on legacy bridges: how many a process keeps, and how long an unused one lives.
function world(maxBridges: number) {
  let now = 1_000_000;
  const closed: string[] = [];
  const registry = new LegacyBridgeRegistry({ maxBridges, idleMs: 600_000, now: () => now, onClosed: (b) => closed.push(b.identity.id) });
  const open = (id: string) => {
    const release = registry.reserve();
    const { bridge } = newBridge(id, () => now);
    registry.add(bridge);
    release();
    return bridge;
  };
  return { registry, open, closed, advance: (ms: number) => (now += ms) };
}

const listen = (bridge: ReturnType<typeof newBridge>["bridge"]) => bridge.listen(new SseOut(recordingResponse().res));

describe("LegacyBridgeRegistry", () => {
  it("finds a bridge only for its own grant and server", () => {
    const { registry, open } = world(10);
    open("tg-legacy.a");
    expect(registry.get("tg-legacy.a", "g1", "s1")).toBeDefined();
    expect(registry.get("tg-legacy.a", "g2", "s1")).toBeUndefined();
    expect(registry.get("tg-legacy.a", "g1", "s2")).toBeUndefined();
    expect(registry.get("tg-legacy.b", "g1", "s1")).toBeUndefined();
  });

  it("closes bridges idle past the timeout, not those a client listens on", () => {
    const { registry, open, closed, advance } = world(10);
    open("tg-legacy.idle");
    listen(open("tg-legacy.listening"));
    advance(599_000);
    registry.sweep();
    expect(closed).toEqual([]);
    advance(2_000);
    registry.sweep();
    expect(closed).toEqual(["tg-legacy.idle"]);
    expect(registry.get("tg-legacy.idle", "g1", "s1")).toBeUndefined();
    expect(registry.size).toBe(1);
  });

  it("at the bound, makes room by closing the least recently used idle bridge", () => {
    const { registry, open, closed, advance } = world(2);
    open("tg-legacy.old");
    advance(1_000);
    open("tg-legacy.newer");
    advance(1_000);
    registry.get("tg-legacy.old", "g1", "s1"); // used again: now the newer one is the least recent
    open("tg-legacy.third");
    expect(closed).toEqual(["tg-legacy.newer"]);
    expect(registry.size).toBe(2);
  });

  it("refuses new legacy sessions with 503 when every bridge is in use", () => {
    const { registry, open } = world(2);
    listen(open("tg-legacy.a"));
    listen(open("tg-legacy.b"));
    expect(() => registry.reserve()).toThrowError(LegacyError);
    try {
      registry.reserve();
    } catch (err) {
      expect(err).toMatchObject({ httpStatus: 503, headers: { "retry-after": "5" } });
    }
  });

  it("counts bridges still being opened against the bound", () => {
    const { registry, open } = world(2);
    listen(open("tg-legacy.a"));
    const release = registry.reserve();
    expect(() => registry.reserve()).toThrowError(/too many open legacy/);
    release();
    release(); // idempotent
    expect(() => registry.reserve()).not.toThrow();
  });
});
