/**
 * Seeded choices for the load workload. Each iteration gets its own generator derived from
 * (seed, scenario, iteration), so the same seed replays the same flows, amounts and duplicates
 * whatever order the iterations happen to run in.
 */
export type Random = () => number;

function mulberry32(state: number): Random {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

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
