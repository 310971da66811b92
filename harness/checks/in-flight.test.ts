import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';

describe('InFlight', () => {
  it('answers as a Map would under random sets and deletes (ints, negatives, non-int32 opIds, growth, backward shifts)', () => {
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 50; round++) {
      const table = new InFlight<number>();
      const map = new Map<number, number>();
      const span = 1 + Math.floor(rnd() * 300);
      for (let step = 0; step < 3000; step++) {
        const k = rnd() < 0.05 ? Math.floor(rnd() * span) + 0.5 : rnd() < 0.5 ? Math.floor(rnd() * span) : -Math.floor(rnd() * span) * 65536;
        const r = rnd();
        if (r < 0.45) {
          table.set(k, step);
          map.set(k, step);
        } else if (r < 0.9) {
          table.delete(k);
          map.delete(k);
        }
        expect(table.get(k)).toBe(map.get(k));
        if (step % 500 === 0) {
          const seen = new Map<number, number>();
          table.forEach((v, key) => seen.set(key, v));
          expect(seen).toEqual(map);
        }
      }
    }
  });

  it('finds nothing for an opId never set or already deleted', () => {
    const table = new InFlight<string>();
    expect(table.get(1)).toBeUndefined();
    table.set(1, 'a');
    table.delete(1);
    table.delete(1);
    expect(table.get(1)).toBeUndefined();
  });
});
