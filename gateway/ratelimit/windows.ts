/**
 * Fixed rate-limit windows aligned to UTC.
 *
 * A window starts at floor(nowMs / windowMs) * windowMs. Because the epoch is UTC midnight and
 * every window length divides a day, a "minute" window always starts at second :00 and a "day"
 * window at 00:00 UTC, so "resets in N seconds" is the same answer on every replica.
 */

export type WindowName = "second" | "minute" | "hour" | "day";

export const WINDOW_NAMES: readonly WindowName[] = ["second", "minute", "hour", "day"];

export const WINDOW_MS: Readonly<Record<WindowName, number>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export interface WindowBounds {
  startMs: number;
  endMs: number;
}

/** The window of length `windowMs` that contains `nowMs`. */
export function windowBounds(windowMs: number, nowMs: number): WindowBounds {
  const startMs = Math.floor(nowMs / windowMs) * windowMs;
  return { startMs, endMs: startMs + windowMs };
}
