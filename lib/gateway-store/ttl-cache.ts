// A small cache for the gateway's hot path: entries expire after a TTL (the safety net), are
// dropped wholesale when the configuration changes (LISTEN/NOTIFY), and concurrent misses for
// one key share a single load. A load that fails is not cached, so a store outage is retried.
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<V>>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, load: () => Promise<V>, ttlMs = this.ttlMs): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const p = load().then(
      (value) => {
        this.loading.delete(key);
        // A change announced while loading may have made this value stale: don't keep it.
        if (generation === this.generation) this.set(key, value, ttlMs);
        return value;
      },
      (err) => {
        this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, p);
    return p;
  }

  private set(key: string, value: V, ttlMs: number) {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  clear() {
    this.generation++;
    this.entries.clear();
  }

  /** Drops one entry; a load in flight for it is not kept either. */
  delete(key: string) {
    this.generation++;
    this.entries.delete(key);
  }

  get size() {
    return this.entries.size;
  }
}
