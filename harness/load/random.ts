/**
 * Seeded choices for the load workload. Each iteration gets its own generator derived from
 * (seed, scenario, iteration), so the same seed replays the same flows, amounts and duplicates
 * whatever order the iterations happen to run in.
 */
import { hashString, mulberry32, type Random } from '../random.js';

export type { Random };

export function iterationRandom(seed: number, scenario: string, iteration: number): Random {
  return mulberry32(hashString(`${seed}:${scenario}:${iteration}`));
}

/** Picks one of `weighted` with probability proportional to its weight. */
export function pickWeighted<T>(random: Random, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((n, [, w]) => n + w, 0);
  let x = random() * total;
  for (const [value, w] of weighted) {
    x -= w;
    if (x < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}
