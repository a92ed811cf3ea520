import { randomFillSync } from "node:crypto";

// Audit event ids: `evt_` + 26 characters of Crockford base32, ULID layout: a 48-bit millisecond
// timestamp (10 characters) then 80 random bits (16 characters). Ids sort by time as plain
// strings, so the audit log can page by id, and the gateway can make them before the event is
// stored, which is what makes batch writes idempotent.
//
// Within one generator ids strictly increase: in the same millisecond (or if the clock steps
// back) the random part is incremented instead of redrawn, as ULID's monotonic mode does.

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_BYTES = 10;
const MAX_TIME = 2 ** 48 - 1;

export type RandomFill = (bytes: Uint8Array) => void;
export type EventIdGenerator = (now?: number) => string;

export function createEventIdGenerator(fill: RandomFill = randomFillSync): EventIdGenerator {
  let lastTime = -1;
  const random = new Uint8Array(RANDOM_BYTES);
  const nextRandom = randomPool(fill);
  return (now = Date.now()) => {
    let time = Math.min(Math.max(Math.floor(now), 0), MAX_TIME);
    if (time <= lastTime) {
      time = lastTime;
      // 2^80 ids in one millisecond would overflow; borrow the next millisecond then.
      if (!increment(random)) time = Math.min(time + 1, MAX_TIME);
    } else {
      nextRandom(random);
    }
    lastTime = time;
    return `evt_${encodeTime(time)}${encodeRandom(random)}`;
  };
}

/** A new, unique, time-sortable audit event id. */
export const newEventId: EventIdGenerator = createEventIdGenerator();

/** Where an event id says it was made (ms since the epoch), or null for a malformed id. */
export function eventIdTime(id: string): number | null {
  if (!/^evt_[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) return null;
  let time = 0;
  for (const ch of id.slice(4, 14)) time = time * 32 + ALPHABET.indexOf(ch);
  return time;
}

/** Draws randomness 256 ids at a time: one system call per id costs more than the rest of it. */
function randomPool(fill: RandomFill): (into: Uint8Array) => void {
  const pool = new Uint8Array(RANDOM_BYTES * 256);
  let offset = pool.length;
  return (into) => {
    if (offset === pool.length) {
      fill(pool);
      offset = 0;
    }
    into.set(pool.subarray(offset, offset + RANDOM_BYTES));
    offset += RANDOM_BYTES;
  };
}

function encodeTime(time: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

/** 80 bits → 16 characters, 5 bits each, most significant first. */
function encodeRandom(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** Adds one to a big-endian number; false when it wrapped around to zero. */
function increment(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] < 255) {
      bytes[i]++;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}
