/**
 * The one seeded generator every random choice of payharness comes from (mulberry32): tiny, fast,
 * identical on every platform for a seed — what `--seed` promises. Not for cryptography.
 * (Generated k6 scripts carry a JavaScript copy of it, see load/k6-runtime.ts, so one seed gives
 * the same workload on both engines.)
 */
export type Random = () => number;

/** A generator of uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: derives a 32-bit seed from text, e.g. `${seed}:${scenario}:${iteration}`. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
