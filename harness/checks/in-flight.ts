/**
 * Requests in flight by opId: an open-addressing table in a typed array (linear probing, deletion
 * by backward shift, so no tombstones). A Map of requests in flight churns: each completion deletes
 * an entry, so its table is reallocated every few requests (and shrunk on the delete that leaves it
 * under a quarter full: every completion of a run with one request open at a time) — a runtime call
 * and a piece of garbage per record on the streamed judge's hot path, three times over (the flow
 * partition, the carried checks and each batch's view). An opId that is not an int32 goes to a Map.
 */
export class InFlight<V> {
  private keys = new Int32Array(16);
  /** undefined: empty slot (values are never undefined). */
  private values: (V | undefined)[] = new Array<V | undefined>(16).fill(undefined);
  private mask = 15;
  private count = 0;
  private odd?: Map<number, V>;

  get(opId: number): V | undefined {
    if ((opId | 0) !== opId) return this.odd?.get(opId);
    const { keys, values, mask } = this;
    for (let i = slotOf(opId, mask); values[i] !== undefined; i = (i + 1) & mask) if (keys[i] === opId) return values[i];
    return undefined;
  }

  set(opId: number, value: V): void {
    if ((opId | 0) !== opId) {
      (this.odd ??= new Map()).set(opId, value);
      return;
    }
    const { keys, values, mask } = this;
    let i = slotOf(opId, mask);
    for (; values[i] !== undefined; i = (i + 1) & mask) {
      if (keys[i] === opId) {
        values[i] = value;
        return;
      }
    }
    keys[i] = opId;
    values[i] = value;
    // At most half full, so probes stay short.
    if (++this.count * 2 > mask) this.grow();
  }

  delete(opId: number): void {
    if ((opId | 0) !== opId) {
      this.odd?.delete(opId);
      return;
    }
    const { keys, values, mask } = this;
    let i = slotOf(opId, mask);
    while (values[i] !== undefined && keys[i] !== opId) i = (i + 1) & mask;
    if (values[i] === undefined) return;
    values[i] = undefined;
    this.count--;
    // Backward shift: move up each later entry of the probe run that may sit in the freed slot.
    for (let j = (i + 1) & mask; values[j] !== undefined; j = (j + 1) & mask) {
      const home = slotOf(keys[j]!, mask);
      // The entry at j stays when its home lies cyclically in (i, j].
      if (i <= j ? home > i && home <= j : home > i || home <= j) continue;
      keys[i] = keys[j]!;
      values[i] = values[j];
      values[j] = undefined;
      i = j;
    }
  }

  /** Calls `fn` with each request in flight (in no particular order). */
  forEach(fn: (value: V, opId: number) => void): void {
    const { keys, values } = this;
    for (let i = 0; i < values.length; i++) if (values[i] !== undefined) fn(values[i]!, keys[i]!);
    this.odd?.forEach(fn);
  }

  private grow(): void {
    const { keys, values } = this;
    const capacity = values.length * 2;
    this.keys = new Int32Array(capacity);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== undefined) this.set(keys[i]!, values[i]!);
  }
}

/** Home slot of an opId: a multiplicative hash, so consecutive opIds spread. */
function slotOf(opId: number, mask: number): number {
  const h = Math.imul(opId, 0x9e3779b1);
  return (h ^ (h >>> 16)) & mask;
}
