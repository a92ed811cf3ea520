import type { Db } from "../db/client";

// Failed sign-in attempts counted per key in PostgreSQL (so every replica sees the same
// count) in a fixed window. After `max` failures the key is refused until the window ends.
export const THROTTLE_WINDOW_SECONDS = 15 * 60;

export interface ThrottleState {
  blocked: boolean;
  retryAfterSeconds: number;
}

export async function checkThrottle(db: Db, key: string, max: number, now = new Date()): Promise<ThrottleState> {
  const row = await db.authThrottle.findUnique({ where: { key } });
  if (!row) return { blocked: false, retryAfterSeconds: 0 };
  const endsAt = row.windowStart.getTime() + THROTTLE_WINDOW_SECONDS * 1000;
  if (endsAt <= now.getTime() || row.count < max) return { blocked: false, retryAfterSeconds: 0 };
  return { blocked: true, retryAfterSeconds: Math.ceil((endsAt - now.getTime()) / 1000) };
}

/** Counts one failure atomically, starting a new window when the old one has ended. */
export async function recordFailure(db: Db, key: string, now = new Date()) {
  const windowFloor = new Date(now.getTime() - THROTTLE_WINDOW_SECONDS * 1000);
  await db.$executeRaw`
    INSERT INTO "AuthThrottle" ("key", "windowStart", "count") VALUES (${key}, ${now}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "AuthThrottle"."windowStart" <= ${windowFloor} THEN 1 ELSE "AuthThrottle"."count" + 1 END,
      "windowStart" = CASE WHEN "AuthThrottle"."windowStart" <= ${windowFloor} THEN ${now} ELSE "AuthThrottle"."windowStart" END`;
}

export async function clearThrottle(db: Db, key: string) {
  await db.authThrottle.deleteMany({ where: { key } });
}

export function formatRetry(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? "a minute" : `${minutes} minutes`;
}
