import { mulberry32, type Random } from '../random.js';

/**
 * The run's one source of randomness (mulberry32): every workload choice comes from it, so the same
 * seed replays the same plan. Small, fast and good enough for test plans (not for cryptography).
 */
export class Prng {
  /** Uniform in [0, 1). */
  readonly next: Random;

  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A key of `weights` chosen in proportion to its weight. */
  weighted<K extends string>(weights: Partial<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [key, w] of entries) {
      roll -= w;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

/** A fresh seed when the user gave none: printed and stored so the run can be replayed. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
