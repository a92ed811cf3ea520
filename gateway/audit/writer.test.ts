import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeLines } from "./spill-format";
import { FakeStore, makeEvent, makeEvents, ManualTimers, MemoryLog, runUntilQuiet, tempDir, withoutPing } from "./testing";
import { AuditWriter, type AuditWriterOptions } from "./writer";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup(options: Partial<AuditWriterOptions> = {}, shared?: { dir: string; timers: ManualTimers; store: FakeStore }) {
  const tmp = shared ? null : tempDir();
  if (tmp) cleanups.push(tmp.remove);
  const dir = shared?.dir ?? path.join(tmp!.dir, "spill");
  const timers = shared?.timers ?? new ManualTimers();
  const store = shared?.store ?? new FakeStore(timers);
  const log = new MemoryLog();
  const writer = new AuditWriter({ store, spillDir: dir, timers, log, ...options });
  return { writer, timers, store, log, dir };
}

/** Records in chunks, letting background work run between them, as traffic spread over time would. */
async function recordAll(writer: AuditWriter, events: ReturnType<typeof makeEvents>, chunk = 10): Promise<void> {
  for (let i = 0; i < events.length; i += chunk) {
    for (const e of events.slice(i, i + chunk)) writer.record(e);
    await writer.idle();
  }
}

const spillFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith("audit-")).sort();
const tableIds = (store: FakeStore) => store.table.map((e) => e.id);

describe("batching", () => {
  it("writes a batch as soon as batchSize is reached and the rest when the interval ends", async () => {
    const { writer, timers, store } = setup({ batchSize: 500, flushIntervalMs: 250 });
    for (const e of makeEvents(0, 1_200)) writer.record(e);
    await writer.idle();
    expect(store.calls.map((c) => c.ids.length)).toEqual([500, 500]);
    timers.advance(249);
    await writer.idle();
    expect(store.calls).toHaveLength(2);
    timers.advance(1);
    await writer.idle();
    expect(store.calls.map((c) => c.ids.length)).toEqual([500, 500, 200]);
    expect(tableIds(store)).toEqual(makeEvents(0, 1_200).map((e) => e.id));
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 1_200, failedBatches: 0, spilled: 0 });
  });

  it("waits at most flushIntervalMs for a lone event, and sets no timer when idle", async () => {
    const { writer, timers, store } = setup({ flushIntervalMs: 250 });
    await writer.idle();
    expect(timers.nextIn()).toBeNull();
    writer.record(makeEvent(1));
    expect(timers.nextIn()).toBe(250);
    timers.advance(250);
    await writer.idle();
    expect(tableIds(store)).toEqual([makeEvent(1).id]);
    expect(timers.nextIn()).toBeNull();
  });

  it("sends each event once when the store never fails", async () => {
    const { writer, timers, store } = setup({ batchSize: 7, maxBuffer: 50 });
    for (let i = 0; i < 300; i++) {
      writer.record(makeEvent(i));
      if (i % 13 === 0) timers.advance(100);
      if (i % 29 === 0) await writer.idle();
    }
    await runUntilQuiet(writer, timers);
    expect([...store.deliveries().values()].every((n) => n === 1)).toBe(true);
    expect(store.table).toHaveLength(300);
  });
});

describe("retries", () => {
  it("backs off exponentially from 100 ms to a 5 s cap while the store is down", async () => {
    const { writer, timers, store } = setup({ flushIntervalMs: 250 });
    store.down = true;
    writer.record(makeEvent(1));
    for (let i = 0; i < 9; i++) {
      timers.advance(timers.nextIn()!);
      await writer.idle();
    }
    const times = store.calls.map((c) => c.at - store.calls[0].at);
    expect(times).toEqual([0, 100, 300, 700, 1_500, 3_100, 6_300, 11_300, 16_300]);
    expect(writer.stats()).toMatchObject({ retrying: true, failedBatches: 9, buffered: 1, lastError: "audit store: connection refused" });
    store.down = false;
    await runUntilQuiet(writer, timers);
    expect(writer.stats()).toMatchObject({ retrying: false, written: 1, buffered: 0 });
  });

  it("keeps buffering during backoff without hammering the store", async () => {
    const { writer, timers, store } = setup({ batchSize: 10, maxBuffer: 1_000 });
    store.down = true;
    for (const e of makeEvents(0, 10)) writer.record(e);
    await writer.idle();
    expect(store.calls).toHaveLength(1);
    for (const e of makeEvents(10, 200)) writer.record(e);
    await writer.idle();
    expect(store.calls).toHaveLength(1); // reaching batchSize again does not cut the backoff short
    expect(writer.stats().buffered).toBe(210);
    store.down = false;
    await runUntilQuiet(writer, timers);
    expect(store.table).toHaveLength(210);
  });

  it("halves the batch on each failure and doubles it back after recovery", async () => {
    const { writer, timers, store } = setup({ batchSize: 64, maxBuffer: 1_000 });
    store.down = true;
    for (const e of makeEvents(0, 300)) writer.record(e);
    for (let i = 0; i < 8; i++) {
      await writer.idle();
      timers.advance(timers.nextIn()!);
    }
    store.down = false;
    await runUntilQuiet(writer, timers);
    const sizes = store.calls.map((c) => c.ids.length);
    expect(sizes.slice(0, 8)).toEqual([64, 32, 16, 8, 4, 2, 1, 1]);
    expect(sizes.slice(8, 16)).toEqual([1, 2, 4, 8, 16, 32, 64, 64]);
    expect(store.table).toHaveLength(300);
  });

  it("retries a batch that failed after a partial write without doubling any event", async () => {
    const { writer, timers, store } = setup({ batchSize: 10 });
    store.down = true;
    store.partialWrites = 4;
    for (const e of makeEvents(0, 25)) writer.record(e);
    await writer.idle();
    timers.advance(timers.nextIn()!);
    await writer.idle();
    store.down = false;
    await runUntilQuiet(writer, timers);
    expect(tableIds(store).sort()).toEqual(makeEvents(0, 25).map((e) => e.id));
  });

  it("counts a write that hangs past writeTimeoutMs as failed and retries it", async () => {
    const { writer, timers, store } = setup({ writeTimeoutMs: 1_000 });
    store.hang = true;
    writer.record(makeEvent(1));
    timers.advance(250); // interval: the write starts, and hangs
    await vi.waitFor(() => expect(store.calls).toHaveLength(1), { interval: 1 });
    timers.advance(1_000);
    await vi.waitFor(() => expect(writer.stats().retrying).toBe(true), { interval: 1 });
    expect(writer.stats()).toMatchObject({ retrying: true, failedBatches: 1 });
    expect(writer.stats().lastError).toContain("did not finish within 1000 ms");
    store.hang = false;
    await runUntilQuiet(writer, timers);
    expect(tableIds(store)).toEqual([makeEvent(1).id]);
  });
});

describe("memory bound and spilling", () => {
  it("never holds more than maxBuffer events for the store; the rest go to fsync'd JSONL files", async () => {
    const { writer, store, dir } = setup({ maxBuffer: 100, batchSize: 20, spillFileEvents: 250 });
    store.down = true;
    let peak = 0;
    for (const [i, e] of makeEvents(0, 1_000).entries()) {
      writer.record(e);
      peak = Math.max(peak, writer.stats().buffered);
      if (i % 50 === 49) await writer.idle();
    }
    expect(peak).toBeLessThanOrEqual(200); // the queue, plus at most one queue's worth on its way to disk
    expect(writer.stats()).toMatchObject({ buffered: 100, spilled: 900, dropped: 0 });
    const files = spillFiles(dir);
    expect(files.length).toBe(4);
    const lines = files.flatMap((f) => readFileSync(path.join(dir, f), "utf8").trimEnd().split("\n"));
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(makeEvents(100, 900).map((e) => e.id));
  });

  it("replays spilled files in order and deletes each only after its events were written", async () => {
    const { writer, timers, store, dir } = setup({ maxBuffer: 10, batchSize: 5, spillFileEvents: 20 });
    store.down = true;
    await recordAll(writer, makeEvents(0, 100));
    expect(spillFiles(dir)).toHaveLength(5);
    store.down = false;
    await runUntilQuiet(writer, timers);
    const spilledOrder = tableIds(store).filter((id) => id >= makeEvent(10).id);
    expect(spilledOrder).toEqual(makeEvents(10, 90).map((e) => e.id));
    expect(spillFiles(dir)).toEqual([]);
    expect(store.table).toHaveLength(100);
  });

  it("keeps a file whose replay failed halfway, and finishes it later without doubling", async () => {
    const { writer, timers, store, dir } = setup({ maxBuffer: 4, batchSize: 4, spillFileEvents: 100 });
    store.down = true;
    await recordAll(writer, makeEvents(0, 30), 4);
    expect(spillFiles(dir)).toHaveLength(1);
    let writes = 0;
    store.onWrite = () => {
      if (++writes === 4) store.down = true; // a few writes, then an outage mid-replay
    };
    store.down = false;
    await expect(writer.flush()).rejects.toThrow();
    expect(store.table.length).toBeGreaterThan(4); // the queue and part of the file
    expect(store.table.length).toBeLessThan(30);
    expect(spillFiles(dir)).toHaveLength(1);
    store.onWrite = null;
    store.down = false;
    await runUntilQuiet(writer, timers);
    expect(tableIds(store).sort()).toEqual(makeEvents(0, 30).map((e) => e.id));
    expect(spillFiles(dir)).toEqual([]);
  });

  it("drops (counted and logged, once per burst) only when memory and disk are both unusable", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const blocker = path.join(tmp.dir, "not-a-dir");
    writeFileSync(blocker, "");
    const { writer, store, log } = setup({ maxBuffer: 5, spillDir: blocker });
    store.down = true;
    for (const e of makeEvents(0, 50)) writer.record(e);
    await writer.idle();
    expect(writer.stats()).toMatchObject({ buffered: 10, dropped: 40 });
    expect(log.errors.filter((m) => m.includes("dropped"))).toHaveLength(1);
  });

  it("retries the disk with backoff when it refuses a spill, losing nothing once it works again", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const dir = path.join(tmp.dir, "spill");
    writeFileSync(dir, ""); // a file where the folder should be: every append fails
    const { writer, timers, store, log } = setup({ maxBuffer: 5, batchSize: 5, spillDir: dir });
    store.down = true;
    await recordAll(writer, makeEvents(0, 10), 5);
    expect(writer.stats()).toMatchObject({ buffered: 10, spilled: 0, dropped: 0 });
    expect(log.errors.join()).toMatch(/cannot write to .*retrying in 100 ms/);
    rmSync(dir);
    timers.advance(100);
    await writer.idle();
    expect(writer.stats()).toMatchObject({ buffered: 5, spilled: 5 });
    store.down = false;
    await runUntilQuiet(writer, timers);
    expect(tableIds(store).sort()).toEqual(makeEvents(0, 10).map((e) => e.id));
  });

  it("replays files a previous run left behind, skipping a torn last line with a warning", async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const dir = path.join(tmp.dir, "spill");
    const first = setup({}, { dir, timers: new ManualTimers(), store: new FakeStore() });
    await first.writer.close();
    const good = encodeLines(makeEvents(0, 3));
    writeFileSync(path.join(dir, "audit-000000000007.jsonl"), `${good}{"id":"evt_torn","ti`);
    writeFileSync(path.join(dir, "audit-000000000008.jsonl"), encodeLines(makeEvents(3, 2)));
    const { writer, timers, store, log } = setup({}, { dir, timers: new ManualTimers(), store: new FakeStore() });
    await runUntilQuiet(writer, timers);
    expect(tableIds(store)).toEqual(makeEvents(0, 5).map((e) => e.id));
    expect(log.warnings.join("\n")).toMatch(/skipped line 4 of audit-000000000007\.jsonl \(torn last line\)/);
    expect(spillFiles(dir)).toEqual([]);
    writer.record(makeEvent(9));
    await writer.close();
    expect(spillFiles(dir)).toEqual([]); // new files would continue after 8; nothing was left
  });
});

describe("flush and close", () => {
  it("flush() writes a partial batch now, and rejects while the store is down", async () => {
    const { writer, store } = setup();
    writer.record(makeEvent(1));
    await writer.flush();
    expect(store.table).toHaveLength(1);
    store.down = true;
    writer.record(makeEvent(2));
    await expect(writer.flush()).rejects.toThrow(/connection refused/);
    store.down = false;
    await writer.flush();
    expect(store.table).toHaveLength(2);
  });

  it("close() writes what it can; record() afterwards is counted as dropped", async () => {
    const { writer, store, dir, log } = setup();
    for (const e of makeEvents(0, 42)) writer.record(e);
    await writer.close();
    await writer.close(); // idempotent
    expect(store.table).toHaveLength(42);
    expect(spillFiles(dir)).toEqual([]);
    writer.record(makeEvent(99));
    expect(writer.stats().dropped).toBe(1);
    expect(log.errors.join()).toContain("recorded after close()");
  });

  it("close() spills everything to disk when the store is down, and the next writer replays it", async () => {
    const first = setup({ maxBuffer: 20, batchSize: 5 });
    first.store.down = true;
    await recordAll(first.writer, makeEvents(0, 50));
    await first.writer.close();
    expect(first.writer.stats()).toMatchObject({ spilled: 50, buffered: 0, dropped: 0 });
    expect(first.log.warnings.join()).toContain("spilling the rest");
    const store = new FakeStore();
    const second = setup({}, { dir: first.dir, timers: new ManualTimers(), store });
    await runUntilQuiet(second.writer, second.timers);
    expect(tableIds(store).sort()).toEqual(makeEvents(0, 50).map((e) => e.id));
  });

  it("close() gives up on a hanging store after closeTimeoutMs and spills", async () => {
    const { writer, timers, store, dir } = setup({ closeTimeoutMs: 2_000 });
    for (const e of makeEvents(0, 3)) writer.record(e);
    store.hang = true;
    const closed = writer.close();
    await new Promise((r) => setImmediate(r));
    timers.advance(2_000);
    await closed;
    const lines = spillFiles(dir).flatMap((f) => readFileSync(path.join(dir, f), "utf8").trimEnd().split("\n"));
    expect(lines).toHaveLength(3);
  });

  it("refuses settings that are not positive numbers", () => {
    expect(() => setup({ batchSize: 0 })).toThrow(/batchSize must be a positive number/);
    expect(() => setup({ flushIntervalMs: Number.NaN })).toThrow(RangeError);
  });

  it("allows one writer per spill folder at a time", async () => {
    const first = setup();
    expect(() => setup({}, { dir: first.dir, timers: first.timers, store: first.store })).toThrow(/already using/);
    await first.writer.close();
    const second = setup({}, { dir: first.dir, timers: first.timers, store: first.store });
    await second.writer.close();
  });
});

describe("an event the store refuses on its own", () => {
  it("is isolated and kept in rejected.jsonl while every other event is written", async () => {
    const { writer, timers, store, dir, log } = setup({ batchSize: 16 });
    const poison = makeEvent(37);
    store.refused.add(poison.id);
    for (const e of makeEvents(0, 100)) writer.record(e);
    await runUntilQuiet(writer, timers);
    expect(store.table).toHaveLength(99);
    expect(store.table.some((e) => e.id === poison.id)).toBe(false);
    expect(writer.stats()).toMatchObject({ rejected: 1, buffered: 0 });
    const rejected = readFileSync(path.join(dir, "rejected.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rejected).toEqual([expect.objectContaining({ reason: "invalid byte sequence", event: poison })]);
    expect(log.errors.join()).toContain(poison.id);
  });

  it("is retried like an outage when the store cannot be pinged", async () => {
    const timers = new ManualTimers();
    const store = new FakeStore(timers);
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const writer = new AuditWriter({ store: withoutPing(store), spillDir: tmp.dir, timers, log: new MemoryLog() });
    store.refused.add(makeEvent(0).id);
    writer.record(makeEvent(0));
    writer.record(makeEvent(1));
    await expect(runUntilQuiet(writer, timers, 60_000)).rejects.toThrow(/not quiet/);
    expect(writer.stats()).toMatchObject({ rejected: 0, written: 0, buffered: 2, retrying: true });
  });

  it("stops setting events aside after five in a row, in case the store is broken for all", async () => {
    const { writer, timers, store } = setup({ batchSize: 4 });
    for (const e of makeEvents(0, 20)) {
      store.refused.add(e.id);
      writer.record(e);
    }
    await expect(runUntilQuiet(writer, timers, 120_000)).rejects.toThrow(/not quiet/);
    expect(writer.stats()).toMatchObject({ rejected: 5, buffered: 15, retrying: true });
    store.refused.clear();
    await runUntilQuiet(writer, timers);
    expect(store.table).toHaveLength(15);
    expect(existsSync(path.join(writer["dir"], "rejected.jsonl"))).toBe(true);
  });
});
