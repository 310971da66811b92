import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HistoryRecorder } from '../history/recorder.js';

export interface LagMonitorOptions {
  /** How often a `lag` record is appended, ms (each covers the time since the previous one). Default 500. */
  intervalMs?: number;
  /** Sampling resolution of the event-loop delay timer, ms. Default 10. */
  resolutionMs?: number;
}

export interface LagMonitor {
  /** Appends the last (partial) window and stops sampling; safe to call twice. */
  stop(): void;
  /** Total time the loop ran late so far, ms (the sum of the `stallMs` recorded). */
  readonly stalledMs: number;
}

const NS_PER_MS = 1e6;

/**
 * Measures the run's own scheduling noise: how late this process's event loop ran timers, appended
 * to the history as `lag` records (max and p99 over each window). Timing checks weigh a violation's
 * margin against it, so a busy machine gives `unknown`, not a false `fail`. The sandbox and the
 * webhook sink share this event loop when they run in-process, so their timestamps carry the same
 * noise.
 */
export function startLagMonitor(recorder: HistoryRecorder, options: LagMonitorOptions = {}): LagMonitor {
  const intervalMs = options.intervalMs ?? 500;
  const resolutionMs = options.resolutionMs ?? 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let windowStart = recorder.now();
  let stalledMs = 0;
  // The histogram records each timer tick's whole interval; the delay is what exceeds the resolution.
  const lagOf = (ns: number): number => Math.max(0, Math.round((ns / NS_PER_MS - resolutionMs) * 10) / 10);
  const flush = (): void => {
    const now = recorder.now();
    const windowMs = now - windowStart;
    if (histogram.count > 0) {
      // Each tick records its whole interval; what exceeds the resolution, summed, is the time the loop ran late.
      const stallMs = Math.round(Math.max(0, (histogram.mean / NS_PER_MS - resolutionMs) * histogram.count) * 10) / 10;
      stalledMs += stallMs;
      recorder.append({ kind: 'lag', time: now, windowMs, maxMs: lagOf(histogram.max), p99Ms: lagOf(histogram.percentile(99)), stallMs });
    } else if (windowMs > 0) {
      // Not one sampling tick ran: the loop was blocked for the whole window. Record it as such (the next
      // window's first tick reports the same stall again: counting it twice errs towards "unknown").
      const stalled = Math.max(0, windowMs - resolutionMs);
      stalledMs += stalled;
      recorder.append({ kind: 'lag', time: now, windowMs, maxMs: stalled, p99Ms: stalled, stallMs: stalled });
    }
    histogram.reset();
    windowStart = now;
  };
  const timer = setInterval(flush, intervalMs);
  // Sampling must never keep a finished run's process alive.
  timer.unref();
  let stopped = false;
  return {
    get stalledMs() {
      return stalledMs;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      flush();
      histogram.disable();
    },
  };
}
