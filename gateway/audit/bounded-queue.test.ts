import { describe, expect, it } from "vitest";
import { BoundedQueue } from "./bounded-queue";

describe("BoundedQueue", () => {
  it("refuses items beyond its capacity and keeps FIFO order across wrap-around", () => {
    const q = new BoundedQueue<number>(3);
    expect([q.push(1), q.push(2), q.push(3), q.push(4)]).toEqual([true, true, true, false]);
    expect(q.full).toBe(true);
    expect(q.peek(2)).toEqual([1, 2]);
    q.drop(2);
    q.push(5);
    q.push(6);
    expect(q.peek(10)).toEqual([3, 5, 6]);
    expect(q.takeAll()).toEqual([3, 5, 6]);
    expect(q.length).toBe(0);
  });

  it("leaves items in place when only peeked (a failed write drops nothing)", () => {
    const q = new BoundedQueue<string>(4);
    q.push("a");
    q.push("b");
    q.peek(2);
    expect(q.length).toBe(2);
    q.drop(5);
    expect(q.length).toBe(0);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
    expect(() => new BoundedQueue(2.5)).toThrow(RangeError);
  });
});
