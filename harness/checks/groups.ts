/**
 * A string-keyed multimap that stores a lone value without an array: most idempotency keys and
 * events have exactly one request or attempt, and a million one-element arrays cost ~60 MB.
 * Iteration yields arrays (a fresh one-element array for singletons), so callers see `V[]`.
 */
export class Groups<V extends object> implements Iterable<[string, V[]]> {
  private readonly map = new Map<string, V | V[]>();

  add(key: string, value: V): void {
    const cur = this.map.get(key);
    if (cur === undefined) this.map.set(key, value);
    else if (Array.isArray(cur)) cur.push(value);
    else this.map.set(key, [cur, value]);
  }

  get(key: string): V[] | undefined {
    const cur = this.map.get(key);
    return cur === undefined ? undefined : Array.isArray(cur) ? cur : [cur];
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get size(): number {
    return this.map.size;
  }

  /** Keys with more than one value: what replay and mismatch checks look at (no allocation for the rest). */
  *multipleEntries(): Generator<[string, V[]]> {
    for (const [k, v] of this.map) if (Array.isArray(v)) yield [k, v];
  }

  /**
   * Calls `fn` for every group without a generator or a new array per singleton: the list passed
   * for a singleton is a scratch array reused between calls, so `fn` must not keep it.
   */
  forEachGroup(fn: (key: string, values: readonly V[]) => void): void {
    const scratch: V[] = [];
    for (const [k, v] of this.map) {
      if (Array.isArray(v)) fn(k, v);
      else {
        scratch[0] = v;
        fn(k, scratch);
      }
    }
  }

  /**
   * Trims every multi-value array to its length once building is done: V8 grows a pushed array to
   * 17+ slots, which over a million small groups is most of the index's memory.
   */
  compact(): void {
    for (const [k, v] of this.map) if (Array.isArray(v)) this.map.set(k, v.slice());
  }

  /** Groups with more than one value, in place (for sorting). */
  *multiples(): Generator<V[]> {
    for (const v of this.map.values()) if (Array.isArray(v)) yield v;
  }

  *[Symbol.iterator](): Generator<[string, V[]]> {
    for (const [k, v] of this.map) yield [k, Array.isArray(v) ? v : [v]];
  }
}
