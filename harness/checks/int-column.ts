/**
 * A growable Int32Array whose unset slots read -1: per-id and per-record links for the check indexes
 * without a JS object, array or Map entry per item (a million of those is most of a judgement's heap).
 */
export class IntColumn {
  private data: Int32Array;
  /** One past the highest slot written. */
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity).fill(-1);
  }

  get(i: number): number {
    return i < this.data.length ? this.data[i]! : -1;
  }

  set(i: number, value: number): void {
    if (i >= this.data.length) this.grow(i + 1);
    this.data[i] = value;
    if (i >= this.length) this.length = i + 1;
  }

  /** Appends a value; returns its slot. */
  push(value: number): number {
    const slot = this.length;
    this.set(slot, value);
    return slot;
  }

  /** Drops the doubling slack once building is done. */
  trim(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, Math.max(this.length, 1));
  }

  private grow(min: number): void {
    let capacity = this.data.length * 2;
    while (capacity < min) capacity *= 2;
    const next = new Int32Array(capacity).fill(-1);
    next.set(this.data);
    this.data = next;
  }
}
