import { describe, expect, it } from 'vitest';
import { BugSwitches } from '../bugs.js';
import { jitterDraw } from './jitter.js';
import { retryDelayMs } from './policy.js';

describe('seeded retry jitter', () => {
  it('is a pure function of seed, delivery and attempt', () => {
    expect(jitterDraw(42, 'dlv_1', 2)).toBe(jitterDraw(42, 'dlv_1', 2));
    const draws = new Set([jitterDraw(42, 'dlv_1', 2), jitterDraw(43, 'dlv_1', 2), jitterDraw(42, 'dlv_2', 2), jitterDraw(42, 'dlv_1', 3)]);
    expect(draws.size).toBe(4);
  });

  it('spreads draws evenly over [0, 1)', () => {
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = jitterDraw(7, `dlv_${i}`, 1 + (i % 6));
      if (r < 0 || r >= 1) outside++;
      else buckets[Math.floor(r * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });

  it('keeps every delay within 1, 2, 4, 8, 16 s ±10 % (times the scale), and reaches both ends', () => {
    const bugs = new BugSwitches();
    const promised = [1_000, 2_000, 4_000, 8_000, 16_000];
    for (const [i, nominal] of promised.entries()) {
      const delays = Array.from({ length: 500 }, (_, k) => retryDelayMs(i + 1, { timeScale: 0.5, bugs, random: jitterDraw(1, `d${k}`, i + 1) }));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(nominal * 0.9 * 0.5);
      expect(Math.max(...delays)).toBeLessThanOrEqual(nominal * 1.1 * 0.5);
      expect(Math.min(...delays)).toBeLessThan(nominal * 0.92 * 0.5);
      expect(Math.max(...delays)).toBeGreaterThan(nominal * 1.08 * 0.5);
    }
  });
});
