/**
 * When each iteration of an arrival-rate executor is due, as an offset in ms from the executor's
 * start. Open model: these times never depend on how fast earlier iterations finished.
 */
export interface RateStage {
  /** Iterations per ms at the end of the stage. */
  targetPerMs: number;
  durationMs: number;
}

/** constant-arrival-rate: `rate` per `timeUnitMs`, for `durationMs`; the first at 0 as in k6. */
export function* constantArrivals(rate: number, timeUnitMs: number, durationMs: number): Generator<number> {
  const period = timeUnitMs / rate;
  const count = Math.floor((rate * durationMs) / timeUnitMs + 1e-9);
  for (let i = 0; i < count; i++) yield i * period;
}

/**
 * ramping-arrival-rate: the rate moves linearly through the stages; iteration n is due where the
 * integral of the rate reaches n (solving the quadratic inside each stage).
 */
export function* rampingArrivals(startPerMs: number, stages: readonly RateStage[]): Generator<number> {
  let stageStart = 0;
  let from = startPerMs;
  let done = 0; // iterations due before this stage (integral so far)
  let next = 0; // index of the next iteration to place
  for (const stage of stages) {
    const to = stage.targetPerMs;
    const d = stage.durationMs;
    const slope = d > 0 ? (to - from) / d : 0;
    const area = d > 0 ? ((from + to) / 2) * d : 0;
    while (next < done + area - 1e-9) {
      const need = next - done;
      let t: number;
      if (Math.abs(slope) < 1e-15) t = from > 0 ? need / from : d;
      else t = (-from + Math.sqrt(Math.max(0, from * from + 2 * slope * need))) / slope;
      yield stageStart + Math.min(d, Math.max(0, t));
      next++;
    }
    done += area;
    stageStart += d;
    from = to;
  }
}
