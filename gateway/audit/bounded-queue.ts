/**
 * A fixed-capacity FIFO over a ring buffer: push is O(1) and never allocates, so recording an
 * event costs the same whether the buffer is empty or nearly full. Readers peek at the head and
 * drop it only once its events were written, so a failed write leaves them in place.
 */
export class BoundedQueue<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Appends at the tail; false (and nothing stored) when full. */
  push(item: T): boolean {
    if (this.size === this.capacity) return false;
    this.slots[(this.head + this.size) % this.capacity] = item;
    this.size++;
    return true;
  }

  /** A copy of the first `n` items (fewer when fewer are queued). */
  peek(n: number): T[] {
    const count = Math.min(n, this.size);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = this.slots[(this.head + i) % this.capacity] as T;
    return out;
  }

  /** Removes the first `n` items. */
  drop(n: number): void {
    const count = Math.min(n, this.size);
    for (let i = 0; i < count; i++) this.slots[(this.head + i) % this.capacity] = undefined;
    this.head = (this.head + count) % this.capacity;
    this.size -= count;
  }

  /** Removes and returns everything, oldest first. */
  takeAll(): T[] {
    const all = this.peek(this.size);
    this.drop(this.size);
    return all;
  }
}
