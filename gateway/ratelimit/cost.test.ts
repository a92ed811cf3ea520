import { describe, expect, it } from "vitest";
import { costFromAmount } from "./cost";

describe("costFromAmount", () => {
  it("keeps integers and rounds fractions up so a cap is never exceeded", () => {
    expect(costFromAmount(0)).toBe(0);
    expect(costFromAmount(250)).toBe(250);
    expect(costFromAmount(12.01)).toBe(13);
  });

  it("has no cost for values that are not usable amounts", () => {
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, "100", null, undefined, 2 ** 60]) {
      expect(costFromAmount(value)).toBeNull();
    }
  });
});
