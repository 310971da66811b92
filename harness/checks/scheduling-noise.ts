import type { LagRecord } from '../history/types.js';
import type { HistoryView } from './history-view.js';

/**
 * Below this, a timing margin is never told apart from noise: timer granularity and the socket hop
 * between the provider and the sink, which event-loop lag does not show.
 */
export const NOISE_FLOOR_MS = 10;

/**
 * Above this share of time running late, the process is saturated: work queues behind work, and a
 * chain of steps can wait far longer than the loop's own stalls add up to (a queue's wait grows as
 * busy / (1 − busy)), so lateness there says nothing about the provider.
 */
export const SATURATED_BUSY_SHARE = 0.5;

/** The scheduling noise a run measured over a span of time. */
export interface Noise {
  /** Largest event-loop lag of the windows covering the span, plus the floor; undefined when none was measured. */
  ms?: number;
  /**
   * Total time the loop ran late in those windows, plus the floor: what a chain of steps (a retry
   * passing through a database, the proxy and the sink) may have been held up by, end to end.
   */
  stallMs?: number;
  /** Share of the covering windows' time the loop ran late (0..1): near 1, the process was saturated. */
  busy?: number;
  /** Why no figure: the run recorded no lag at all, or no lag window covers the span. */
  missing?: string;
}

const cache = new WeakMap<HistoryView, LagRecord[]>();

function lagsOf(view: HistoryView): LagRecord[] {
  let lags = cache.get(view);
  if (!lags) {
    lags = view.history.filter((r): r is LagRecord => r.kind === 'lag').sort((a, b) => a.time - b.time);
    cache.set(view, lags);
  }
  return lags;
}

/** The measured noise around [from, to]: the worst lag of every window that overlaps it. */
export function noiseBetween(view: HistoryView, from: number, to: number): Noise {
  const lags = lagsOf(view);
  if (lags.length === 0) return { missing: 'the run recorded no scheduling lag' };
  // Windows end at `time` and tile the run: binary search the first one ending at or after `from`.
  let lo = 0;
  let hi = lags.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lags[mid]!.time < from) lo = mid + 1;
    else hi = mid;
  }
  let worst = -1;
  let stall = 0;
  let covered = 0;
  for (let i = lo; i < lags.length && lags[i]!.time - lags[i]!.windowMs <= to; i++) {
    worst = Math.max(worst, lags[i]!.maxMs);
    // Older lag records carry no total: their worst stall is the least they stalled.
    stall += lags[i]!.stallMs ?? lags[i]!.maxMs;
    covered += lags[i]!.windowMs;
  }
  // No window covers the span: the monitor itself was starved, or the run ended first.
  if (worst < 0) return { missing: 'no scheduling-lag sample covers those attempts' };
  const busy = covered > 0 ? Math.min(stall / covered, 1) : 1;
  return { ms: worst + NOISE_FLOOR_MS, stallMs: Math.max(stall, worst) + NOISE_FLOOR_MS, busy };
}

/**
 * A timing violation by `marginMs` is a witness only when the margin exceeds the noise measured
 * around it; otherwise the sentence saying why it cannot be told from noise. An early event can be
 * explained by one late timestamp (the worst single stall); a late one by every stall on its way
 * (their total).
 */
export function noiseDoubt(marginMs: number, noise: Noise, direction: 'early' | 'late' = 'early'): string | undefined {
  if (noise.ms === undefined) return `${noise.missing ?? 'no scheduling lag was measured'}, so a ${Math.round(marginMs)} ms margin cannot be told from noise`;
  const allowed = direction === 'late' ? (noise.stallMs ?? noise.ms) : noise.ms;
  if (direction === 'late' && marginMs > allowed && (noise.busy ?? 0) >= SATURATED_BUSY_SHARE) {
    return `the run's event loop ran late ${Math.round(noise.busy! * 100)} % of the time around them (saturated: work queued behind work)`;
  }
  if (marginMs > allowed) return undefined;
  return direction === 'late'
    ? `the run's event loop ran ${Math.round(allowed - NOISE_FLOOR_MS)} ms late in total around them (${NOISE_FLOOR_MS} ms floor added)`
    : `the run measured ${Math.round(allowed - NOISE_FLOOR_MS)} ms of scheduling lag around them (${NOISE_FLOOR_MS} ms floor added)`;
}

/** Time in [from, to] the loop was free (window length minus its stalls), from the windows inside it. */
function freeBetween(lags: readonly LagRecord[], from: number, to: number): { free: number; covered: number } {
  let free = 0;
  let covered = 0;
  for (const l of lags) {
    const start = l.time - l.windowMs;
    if (l.time <= from || start >= to) continue;
    // Only the part of a window inside the span counts, its stalls spread evenly over it.
    const share = (Math.min(l.time, to) - Math.max(start, from)) / l.windowMs;
    free += share * Math.max(0, l.windowMs - (l.stallMs ?? l.maxMs));
    covered += share * l.windowMs;
  }
  return { free, covered };
}

/**
 * A provider silent from `lastTime` to `end`, whose next attempt was due by `dueBy`: the silence is a
 * witness only when, after `dueBy`, the loop was free long enough to have worked off everything
 * that had queued up before it (the stalls between `lastTime` and `dueBy`). A free loop has nothing
 * queued, so a retry that was merely held up by our load would have come.
 */
export function silenceDoubt(view: HistoryView, lastTime: number, dueBy: number, end: number): string | undefined {
  const lags = lagsOf(view);
  if (lags.length === 0) return 'the run recorded no scheduling lag, so a silence cannot be told from a queued retry';
  const before = noiseBetween(view, lastTime, dueBy);
  const backlog = before.stallMs ?? NOISE_FLOOR_MS;
  const after = freeBetween(lags, dueBy, end);
  if (after.covered === 0) return 'no scheduling-lag sample covers the time after the next attempt was due';
  if (after.free > backlog) return undefined;
  return `after the next attempt was due the run's event loop was free only ${Math.round(after.free)} ms, less than the ${Math.round(backlog)} ms of stalls queued before it`;
}
