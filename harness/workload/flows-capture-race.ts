import type { PaymentOperation } from '../history/types.js';
import type { RequestParams } from './request.js';
import type { FlowContext } from './flows.js';
import type { FlowPlan } from './plan.js';
import type { Prng } from './prng.js';
import type { WriteStep } from './flows-forbidden.js';

/** The writes that race on one authorised payment, each with its own key. */
export type CaptureRace = PaymentOperation[];

/** Writes of the largest race (create included), for the duplicates plan. */
export const CAPTURE_RACE_WRITE_STEPS = 4;

/** Two captures, a capture and a cancel, or two captures and a cancel: of each, at most one may take effect. */
export function planCaptureRace(rng: Prng): CaptureRace {
  const pick = rng.int(0, 2);
  if (pick === 0) return ['capture', 'capture'];
  if (pick === 1) return ['capture', 'cancel'];
  return ['capture', 'capture', 'cancel'];
}

/** Sends the race's writes at once, with different keys, on the payment `on.id` just created (manual capture). */
export async function runCaptureRace(ctx: FlowContext, plan: FlowPlan, on: RequestParams, write: WriteStep): Promise<void> {
  const id = on.id!;
  const racers = plan.race ?? ['capture', 'capture'];
  await Promise.all(racers.map((op, i) => {
    const amount = op === 'capture' ? plan.amount : undefined;
    return write(ctx, op, 1 + i, plan, { ...on, ...(amount !== undefined ? { amount } : {}) }, { resourceId: id, amount });
  }));
}
