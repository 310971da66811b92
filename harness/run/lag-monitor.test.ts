import { describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../history/recorder.js';
import type { LagRecord } from '../history/types.js';
import { startLagMonitor } from './lag-monitor.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('lag monitor', () => {
  it('records a blocked event loop as lag in the window that covers it', async () => {
    const recorder = new HistoryRecorder();
    const monitor = startLagMonitor(recorder, { intervalMs: 100 });
    await sleep(150);
    const blockedAt = recorder.now();
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // Busy: no timer can fire for 300 ms.
    }
    await sleep(150);
    monitor.stop();
    const lags = recorder.records.filter((r): r is LagRecord => r.kind === 'lag');
    expect(lags.length).toBeGreaterThanOrEqual(2);
    // Timers only run late: the block shows up as at least its own length, whatever else the machine does.
    const covering = lags.filter((l) => l.time >= blockedAt && l.time - l.windowMs <= blockedAt + 300);
    expect(Math.max(...covering.map((l) => l.maxMs))).toBeGreaterThanOrEqual(250);
    expect(covering.reduce((sum, l) => sum + (l.stallMs ?? 0), 0)).toBeGreaterThanOrEqual(250);
    for (const l of lags) {
      expect(l.windowMs).toBeGreaterThan(0);
      expect(l.p99Ms).toBeLessThanOrEqual(l.maxMs);
      expect(l.stallMs).toBeGreaterThanOrEqual(0);
    }
    // Windows tile the run: each starts where the previous one ended.
    for (let i = 1; i < lags.length; i++) expect(lags[i]!.time - lags[i]!.windowMs).toBe(lags[i - 1]!.time);
  });

  it('stops appending after stop()', async () => {
    const recorder = new HistoryRecorder();
    const monitor = startLagMonitor(recorder, { intervalMs: 20 });
    await sleep(50);
    monitor.stop();
    monitor.stop();
    const count = recorder.records.length;
    await sleep(80);
    expect(recorder.records.length).toBe(count);
    expect(count).toBeGreaterThan(0);
  });
});
