import { IntColumn } from './int-column.js';

/**
 * Numbers (exchange or record indexes) grouped by a numeric group id, as linked lists in typed
 * arrays: no array or Map entry per group. Groups are listed in the order they were first added to.
 */
export class IntGroups {
  private readonly head = new IntColumn();
  private readonly tail = new IntColumn();
  private readonly counts = new IntColumn();
  private readonly values = new IntColumn();
  private readonly next = new IntColumn();
  /** Group ids in first-added order. */
  private readonly order = new IntColumn();

  add(group: number, value: number): void {
    const slot = this.values.push(value);
    const last = this.tail.get(group);
    if (last < 0) {
      this.head.set(group, slot);
      this.counts.set(group, 1);
      this.order.push(group);
    } else {
      this.next.set(last, slot);
      this.counts.set(group, this.counts.get(group) + 1);
    }
    this.tail.set(group, slot);
  }

  /** How many groups there are. */
  get groupCount(): number {
    return this.order.length;
  }

  /** The i-th group id in first-added order. */
  groupAt(i: number): number {
    return this.order.get(i);
  }

  /** Values in `group` (0 for an unknown group). */
  size(group: number): number {
    return Math.max(this.counts.get(group), 0);
  }

  /** Slot of the first value of `group` (-1 when empty): walk with `nextSlot` and read with `valueAt`, allocation-free. */
  firstSlot(group: number): number {
    return this.head.get(group);
  }

  /** The slot after `slot` in its group, or -1. */
  nextSlot(slot: number): number {
    return this.next.get(slot);
  }

  valueAt(slot: number): number {
    return this.values.get(slot);
  }

  /** Puts `group`'s values in the order `compare` gives (stable); for the rare group recorded out of order. */
  sortGroup(group: number, compare: (a: number, b: number) => number): void {
    const list: number[] = [];
    for (let slot = this.head.get(group); slot >= 0; slot = this.next.get(slot)) list.push(this.values.get(slot));
    list.sort(compare);
    let i = 0;
    for (let slot = this.head.get(group); slot >= 0; slot = this.next.get(slot)) this.values.set(slot, list[i++]!);
  }

  /** Drops the growth slack of every column once building is done. */
  trim(): void {
    for (const column of [this.head, this.tail, this.counts, this.values, this.next, this.order]) column.trim();
  }
}
