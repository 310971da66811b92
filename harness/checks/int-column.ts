/**
 * A growable Int32Array whose unset slots read -1: per-id and per-record links for the check indexes
 * without a JS object, array or Map entry per item (a million of those is most of a judgement's heap).
 * Slots hold value + 1, so a fresh (zeroed) array needs no fill: a streamed judgement builds a few
 * dozen columns per batch of flows, and filling and trimming them was a measurable share of its time.
 */
export class IntColumn {
  private data: Int32Array;
  /** One past the highest slot written. */
  length = 0;

  constructor(capacity = 256) {
    this.data = new Int32Array(capacity);
  }

  get(i: number): number {
    return i < this.data.length ? this.data[i]! - 1 : -1;
  }

  set(i: number, value: number): void {
    if (i >= this.data.length) this.grow(i + 1);
    this.data[i] = value + 1;
    if (i >= this.length) this.length = i + 1;
  }

  /** Appends a value; returns its slot. */
  push(value: number): number {
    const slot = this.length;
    this.set(slot, value);
    return slot;
  }

  /** Drops the doubling slack once building is done, when it is worth a copy (a large column). */
  trim(): void {
    if (this.data.length - this.length >= TRIM_SLACK) this.data = this.data.slice(0, Math.max(this.length, 1));
  }

  private grow(min: number): void {
    let capacity = this.data.length * 2;
    while (capacity < min) capacity *= 2;
    const next = new Int32Array(capacity);
    next.set(this.data);
    this.data = next;
  }
}

/** Slack (slots) below which `trim` keeps the array: 16 KB is nothing to a judgement, copying it per batch is not. */
const TRIM_SLACK = 4096;
