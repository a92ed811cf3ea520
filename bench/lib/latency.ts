// Latency samples kept as raw numbers. autocannon's own histogram stores whole milliseconds,
// too coarse for a hop that adds ~0.1 ms; its per-response time is a float from hrtime, so we
// keep that. A million samples is 8 MB; sorting them once at the end takes well under a second.
export class LatencySamples {
  private buf = new Float64Array(1 << 16);
  private n = 0;

  add(ms: number) {
    if (this.n === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = ms;
  }

  get count() {
    return this.n;
  }

  summary() {
    const s = this.buf.slice(0, this.n).sort();
    const at = (q: number) => (this.n ? s[Math.min(this.n - 1, Math.floor(q * this.n))] : NaN);
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += s[i];
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: this.n ? s[this.n - 1] : NaN, mean: this.n ? sum / this.n : NaN };
  }
}
