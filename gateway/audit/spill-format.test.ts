import { describe, expect, it } from "vitest";
import { decodeLines, encodeLines } from "./spill-format";
import { makeEvent, makeEvents } from "./testing";

describe("spill file lines", () => {
  it("round-trip events, one JSON line each", () => {
    const events = makeEvents(0, 3).map((e, i) => ({ ...e, args: i === 1 ? { text: "a\nb", n: [1, 2] } : null }));
    const text = encodeLines(events);
    expect(text.split("\n")).toHaveLength(4);
    expect(decodeLines(text)).toEqual({ events, skipped: [] });
  });

  it("skip a torn last line and name it as such", () => {
    const text = `${encodeLines(makeEvents(0, 2))}{"id":"evt_x","time":"20`;
    const { events, skipped } = decodeLines(text);
    expect(events).toHaveLength(2);
    expect(skipped).toEqual([{ line: 3, reason: "torn last line" }]);
  });

  it("accept a last line that is whole but lost only its newline", () => {
    const text = encodeLines(makeEvents(0, 2)).trimEnd();
    expect(decodeLines(text).events).toHaveLength(2);
  });

  it("skip damaged lines anywhere without losing the others", () => {
    const text = encodeLines([makeEvent(1)]) + "garbage\n" + '{"id":"evt_missing_fields"}\n' + encodeLines([makeEvent(2)]);
    const { events, skipped } = decodeLines(text);
    expect(events.map((e) => e.id)).toEqual([makeEvent(1).id, makeEvent(2).id]);
    expect(skipped.map((s) => s.line)).toEqual([2, 3]);
  });

  it("keep an event whose arguments cannot be serialised, without them", () => {
    const event = { ...makeEvent(1), args: { big: 10n } };
    const [decoded] = decodeLines(encodeLines([event])).events;
    expect(decoded.id).toBe(event.id);
    expect(decoded.args).toEqual({ unserializable: expect.stringContaining("BigInt") });
  });
});
