import { describe, expect, it } from "vitest";
import { classify, classifyAnswer, MAX_NESTING } from "./jsonrpc";

const nest = (depth: number) => JSON.parse(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":${"[".repeat(depth)}1${"]".repeat(depth)}}}`);

describe("classify", () => {
  it("refuses client messages nested deeper than MAX_NESTING (JSON.stringify would overflow the stack on them)", () => {
    // message (1) > params (2) > arguments, the outermost of `depth` arrays (3 … depth + 2)
    expect(classify(nest(MAX_NESTING - 2)).kind).toBe("request");
    const deep = classify(nest(MAX_NESTING - 1));
    expect(deep).toMatchObject({ kind: "invalid", reason: `the message is nested deeper than ${MAX_NESTING} levels` });
    // 100,000 levels: checked without recursion.
    expect(classify(nest(100_000)).kind).toBe("invalid");
    expect(() => JSON.stringify(nest(100_000))).toThrow(RangeError);
  });

  it("classifies the upstream's answers whatever their depth (classifyAnswer)", () => {
    const deep = JSON.parse(`{"jsonrpc":"2.0","id":1,"result":${"[".repeat(5000)}${"]".repeat(5000)}}`);
    expect(classifyAnswer(deep).kind).toBe("response");
    expect(classify(deep).kind).toBe("invalid");
  });

  it("sorts requests, notifications, responses and the rest", () => {
    expect(classify({ jsonrpc: "2.0", id: 1, method: "ping" }).kind).toBe("request");
    expect(classify({ jsonrpc: "2.0", method: "notifications/initialized" }).kind).toBe("notification");
    expect(classify({ jsonrpc: "2.0", id: 1, result: {} }).kind).toBe("response");
    expect(classify({ jsonrpc: "2.0", id: {}, method: "ping" }).kind).toBe("invalid");
    expect(classify([{ jsonrpc: "2.0", id: 1, method: "ping" }]).kind).toBe("invalid");
    expect(classify({ jsonrpc: "2.0", id: 1, method: "ping", params: 3 }).kind).toBe("invalid");
    // As Array.map calls it (value, index, array): the index is not a depth.
    expect([{ jsonrpc: "2.0", id: 1, method: "tools/call", params: { arguments: { a: {} } } }].map(classify)[0].kind).toBe("request");
  });
});
