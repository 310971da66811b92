import type { FlowContext } from './flows.js';
import { runFlow } from './flows.js';
import type { FlowPlan } from './plan.js';

export interface WorkloadRunOptions {
  plans: readonly FlowPlan[];
  concurrency: number;
  /** Stop taking new flows after this many ms. */
  durationMs?: number;
  /** Builds the context of one worker (its process number). */
  context(process: number): FlowContext;
  signal?: AbortSignal;
  /** Called after every finished flow. */
  onFlowDone?(done: number): void;
}

/** Runs planned flows on `concurrency` workers; each worker takes the next flow when it finishes one. */
export async function runWorkload(options: WorkloadRunOptions): Promise<number> {
  let next = 0;
  let done = 0;
  const deadline = options.durationMs !== undefined ? Date.now() + options.durationMs : Infinity;
  const worker = async (process: number): Promise<void> => {
    const ctx = options.context(process);
    while (next < options.plans.length && !options.signal?.aborted && Date.now() < deadline) {
      const plan = options.plans[next++]!;
      await runFlow(ctx, plan);
      done++;
      options.onFlowDone?.(done);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, options.plans.length));
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
  return done;
}
