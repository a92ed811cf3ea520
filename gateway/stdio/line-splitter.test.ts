import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter";

function collect(max?: number) {
  const lines: string[] = [];
  const overflows: number[] = [];
  const s = new LineSplitter((l) => lines.push(l), max, (n) => overflows.push(n));
  return { s, lines, overflows };
}

describe("LineSplitter", () => {
  it("splits on newlines across chunks and keeps a partial line until its end arrives", () => {
    const { s, lines } = collect();
    s.push(Buffer.from('{"a":1}\n{"b"'));
    expect(lines).toEqual(['{"a":1}']);
    s.push(Buffer.from(":2}\r\n\n"));
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it("never breaks a multi-byte character split between chunks", () => {
    const { s, lines } = collect();
    const bytes = Buffer.from('"héllo ✓"\n');
    s.push(bytes.subarray(0, 3));
    s.push(bytes.subarray(3, 11));
    s.push(bytes.subarray(11));
    expect(lines).toEqual(['"héllo ✓"']);
  });

  it("drops a line over the cap, reports it, and goes on with the next", () => {
    const { s, lines, overflows } = collect(10);
    s.push(Buffer.from("0123456789ABCDEF"));
    s.push(Buffer.from("GHI\nok\n"));
    expect(overflows).toEqual([19]);
    expect(lines).toEqual(["ok"]);
  });
});
