// What the parent asks the load generator for, and what it gets back (over IPC).
export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Every measured response must be exactly this body (taken from a checked sample beforehand). */
  expectBody: string;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  /** 2xx answers during the warm-up (not measured, but they reach the gateway and its audit). */
  warmupOk: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers whose body differed from the expected echo result. */
  mismatches: number;
  mismatchSamples: string[];
  callsPerSecond: number;
  /** Latency of 2xx answers, in milliseconds, with microsecond resolution. */
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Answers completed in each second of the measurement (for the soak's throughput trace). */
  perSecond: number[];
}
