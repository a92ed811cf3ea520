import { describe, expect, it } from "vitest";
import { createEventIdGenerator, eventIdTime, newEventId } from "./ids";

const FORMAT = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;

describe("event ids", () => {
  it("are evt_ + 26 Crockford base32 characters that carry their millisecond", () => {
    const id = createEventIdGenerator()(1_700_000_000_123);
    expect(id).toMatch(FORMAT);
    expect(eventIdTime(id)).toBe(1_700_000_000_123);
    expect(eventIdTime("evt_not-an-id")).toBeNull();
  });

  it("encode the time in the first 10 characters so ids sort by time", () => {
    const next = createEventIdGenerator();
    const a = next(1_000);
    const b = createEventIdGenerator()(2_000);
    const c = createEventIdGenerator()(2 ** 40);
    expect([c, a, b].sort()).toEqual([a, b, c]);
    expect(createEventIdGenerator(() => {})(0)).toBe(`evt_${"0".repeat(26)}`);
  });

  it("strictly increase within one generator, even in one millisecond or when the clock steps back", () => {
    const next = createEventIdGenerator();
    const ids = [next(5_000), next(5_000), next(5_000), next(4_000), next(5_001)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(eventIdTime(ids[3])).toBe(5_000);
  });

  it("increment the random part with carry in the same millisecond", () => {
    const next = createEventIdGenerator((bytes) => bytes.fill(0xff).fill(0xfe, 9));
    expect(next(7).slice(-2)).toBe("ZY");
    expect(next(7).slice(-2)).toBe("ZZ");
    const third = next(7);
    expect(third.slice(-16)).toBe(`${"0".repeat(15)}0`);
    expect(eventIdTime(third)).toBe(8); // 2^80 in one ms: the next millisecond is borrowed
  });

  it("are unique across many calls", () => {
    const ids = new Set(Array.from({ length: 100_000 }, () => newEventId()));
    expect(ids.size).toBe(100_000);
  });
});
