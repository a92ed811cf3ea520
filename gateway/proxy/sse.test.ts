import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SseSplitter, serializeEvent } from "./sse";

describe("SseSplitter", () => {
  it("splits events and keeps their raw text", () => {
    const s = new SseSplitter();
    const evs = s.push('event: message\nid: 7\ndata: {"a":1}\n\ndata: x\ndata: y\n\n');
    expect(evs).toHaveLength(2);
    expect(evs[0]).toMatchObject({ raw: 'event: message\nid: 7\ndata: {"a":1}\n\n', event: "message", id: "7", data: '{"a":1}' });
    expect(evs[1].data).toBe("x\ny");
  });

  it("waits for the blank line across chunks, for every line ending", () => {
    for (const nl of ["\n", "\r\n", "\r"]) {
      const s = new SseSplitter();
      expect(s.push(`data: 1${nl}`)).toEqual([]);
      const evs = s.push(`${nl}data: 2${nl}${nl}`);
      expect(evs.map((e) => e.data)).toEqual(["1", "2"]);
    }
  });

  it("does not split \\r\\n across chunks into two line ends", () => {
    const s = new SseSplitter();
    expect(s.push("data: 1\r")).toEqual([]);
    expect(s.push("\n")).toEqual([]);
    expect(s.push("\r\n").map((e) => e.data)).toEqual(["1"]);
  });

  it("keeps comments and events without data", () => {
    const s = new SseSplitter();
    const evs = s.push(": keep-alive\n\nretry: 100\n\n");
    expect(evs.map((e) => e.raw)).toEqual([": keep-alive\n\n", "retry: 100\n\n"]);
    expect(evs[0].data).toBeUndefined();
  });

  it("re-joins exactly what it was given, however the stream is cut", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1 }), (datas, cuts) => {
        const text = datas.map((d) => `id: x\ndata: ${d.replace(/[\r\n]/g, " ")}\n\n`).join("");
        const s = new SseSplitter();
        let out = "";
        let pos = 0;
        let i = 0;
        while (pos < text.length) {
          const n = cuts[i++ % cuts.length];
          out += s.push(text.slice(pos, pos + n)).map((e) => e.raw).join("");
          pos += n;
        }
        out += s.rest();
        expect(out).toBe(text);
      }),
    );
  });

  it("serializes with id and event kept", () => {
    expect(serializeEvent({ id: "5", event: "message" }, '{"x":1}')).toBe('event: message\nid: 5\ndata: {"x":1}\n\n');
  });
});
