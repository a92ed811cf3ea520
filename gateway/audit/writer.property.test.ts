import fc from "fast-check";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../ports";
import { FakeStore, makeEvent, ManualTimers, MemoryLog, runUntilQuiet, tempDir } from "./testing";
import { AuditWriter } from "./writer";

type Action =
  | { kind: "record"; count: number; settle: boolean }
  | { kind: "down"; partialWrites: number }
  | { kind: "up" }
  | { kind: "advance"; ms: number }
  | { kind: "flush" }
  | { kind: "restart" };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("record" as const), count: fc.integer({ min: 1, max: 12 }), settle: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("down" as const), partialWrites: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: "up" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 6_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "flush" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "restart" as const }) },
);

const config = fc.record({
  maxBuffer: fc.integer({ min: 3, max: 24 }),
  batchSize: fc.integer({ min: 1, max: 10 }),
  spillFileEvents: fc.integer({ min: 1, max: 15 }),
});

/** Runs one scenario; returns what was recorded and what every writer reported. */
async function run(cfg: { maxBuffer: number; batchSize: number; spillFileEvents: number }, actions: Action[]) {
  const tmp = tempDir("audit-prop-");
  const spillDir = path.join(tmp.dir, "spill");
  const timers = new ManualTimers();
  const store = new FakeStore(timers);
  const open = () => new AuditWriter({ store, spillDir, timers, log: new MemoryLog(), ...cfg });
  const recorded: AuditEvent[] = [];
  const finished: AuditWriter[] = [];
  let writer = open();
  let unsettled = 0;
  try {
    for (const a of actions) {
      switch (a.kind) {
        case "record": {
          // Events recorded with no time to reach the disk are bounded by the overflow (maxBuffer
          // beyond the queue; more is dropped by design), so a scenario stays within it.
          const count = Math.min(a.count, cfg.maxBuffer);
          if (unsettled + count > cfg.maxBuffer) {
            await writer.idle();
            unsettled = 0;
          }
          for (let i = 0; i < count; i++) {
            const e = makeEvent(recorded.length);
            recorded.push(e);
            writer.record(e);
          }
          unsettled += count;
          if (a.settle) {
            await writer.idle();
            unsettled = 0;
          }
          break;
        }
        case "down":
          store.down = true;
          store.partialWrites = a.partialWrites;
          break;
        case "up":
          store.down = false;
          break;
        case "advance":
          timers.advance(a.ms);
          break;
        case "flush":
          await writer.flush().catch(() => {});
          unsettled = 0;
          break;
        case "restart":
          await writer.close();
          finished.push(writer);
          writer = open();
          unsettled = 0;
          break;
      }
      expect(writer.stats().buffered).toBeLessThanOrEqual(2 * cfg.maxBuffer);
    }
    store.down = false;
    await runUntilQuiet(writer, timers);
    finished.push(writer);
    return { recorded, store, stats: finished.map((w) => w.stats()) };
  } finally {
    await writer.close();
    tmp.remove();
  }
}

describe("AuditWriter under any interleaving of outages, traffic, time and restarts", () => {
  it("writes every recorded event exactly once after recovery", async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.array(action, { maxLength: 40 }), async (cfg, actions) => {
        const { recorded, store, stats } = await run(cfg, actions);
        const counts = new Map<string, number>();
        for (const e of store.table) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
        expect(store.table).toHaveLength(recorded.length);
        expect(recorded.every((e) => counts.get(e.id) === 1)).toBe(true);
        expect(stats.reduce((n, s) => n + s.dropped + s.rejected, 0)).toBe(0);
      }),
      { numRuns: 200 },
    );
    // 200 runs with real spill files on disk: a few seconds alone, longer on a busy machine.
  }, 120_000);
});
