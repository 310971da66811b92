import { describe, expect, it } from 'vitest';
import { constantArrivals, rampingArrivals } from './schedule.js';

describe('arrival schedules', () => {
  it('spaces a constant rate evenly, first at 0, count = rate × duration', () => {
    const times = [...constantArrivals(50, 1000, 4000)];
    expect(times).toHaveLength(200);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(20, 9);
    expect(times.at(-1)).toBeCloseTo(3980, 9);
  });

  it('ramps linearly: 0→100/s over 2s gives 100 iterations, denser at the end', () => {
    const times = [...rampingArrivals(0, [{ targetPerMs: 0.1, durationMs: 2000 }])];
    expect(times.length).toBeGreaterThanOrEqual(99);
    expect(times.length).toBeLessThanOrEqual(100);
    const firstHalf = times.filter((t) => t < 1000).length;
    expect(firstHalf).toBeGreaterThan(20);
    expect(firstHalf).toBeLessThan(30); // a quarter of the area lies in the first half
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });

  it('holds a flat stage and continues across stages', () => {
    const times = [...rampingArrivals(0.01, [{ targetPerMs: 0.01, durationMs: 1000 }, { targetPerMs: 0.01, durationMs: 1000 }])];
    expect(times).toHaveLength(20);
    expect(times[10]).toBeCloseTo(1000, 6);
  });
});
