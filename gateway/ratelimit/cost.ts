/**
 * Turning an `increment_from` argument into a limiter cost.
 *
 * Counters hold integers so that checks are exact in memory and in Redis (INCRBY). A fractional
 * amount is rounded up, so a spend cap can be reached early by less than one unit but never
 * exceeded. Anything that is not a finite, non-negative number (a string, NaN, a negative amount
 * that would otherwise refill the cap) has no cost: the caller must deny the call.
 */

export function costFromAmount(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return null;
  const cost = Math.ceil(value);
  return Number.isSafeInteger(cost) ? cost : null;
}
