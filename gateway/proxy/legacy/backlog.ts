// Server messages that belong to no open request (list_changed notifications, server requests
// outside any call, log messages) while the client has no standalone GET stream open: kept
// until it opens one, within bounds. When the bounds are reached the oldest go first: a client
// that never listens must not make the gateway hold its session's traffic forever.

export class Backlog {
  private items: string[] = [];
  private chars = 0;
  /** Messages dropped since the last drain, for the record. */
  dropped = 0;

  constructor(
    private readonly maxItems = 1_000,
    private readonly maxChars = 4 * 1024 * 1024,
  ) {}

  push(json: string) {
    this.items.push(json);
    this.chars += json.length;
    while (this.items.length > this.maxItems || (this.chars > this.maxChars && this.items.length > 0)) {
      this.chars -= this.items.shift()!.length;
      this.dropped++;
    }
  }

  /** Everything kept, oldest first; the backlog is empty afterwards. */
  drain(): string[] {
    const out = this.items;
    this.items = [];
    this.chars = 0;
    this.dropped = 0;
    return out;
  }

  get size(): number {
    return this.items.length;
  }
}
