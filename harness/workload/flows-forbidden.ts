import type { PaymentOperation } from '../history/types.js';
import type { AttemptResult } from './client.js';
import type { RequestParams } from './request.js';
import type { FlowContext } from './flows.js';
import type { FlowPlan } from './plan.js';
import type { Prng } from './prng.js';

/** `write()` of flows.ts: one write with its planned duplicates, recorded under step `step` of the flow. */
export type WriteStep = (
  ctx: FlowContext, op: PaymentOperation, step: number, plan: FlowPlan, params: RequestParams, extra: { resourceId?: string; amount?: number },
) => Promise<AttemptResult>;

/**
 * Which states a forbidden-transitions flow walks through. `capture-walk`: authorised → captured →
 * partly refunded; `cancel-walk`: authorised → canceled. Both start from a manual-capture create.
 */
export type ForbiddenWalk = 'capture-walk' | 'cancel-walk';

/** Writes of the longest walk (create included), for the duplicates plan. */
export const FORBIDDEN_WRITE_STEPS = 6;

export function planForbiddenWalk(rng: Prng): ForbiddenWalk {
  return rng.chance(0.5) ? 'capture-walk' : 'cancel-walk';
}

/** One step of a walk: a legal move to the next state, or a write tried where the lifecycle forbids it. */
interface WalkStep {
  op: PaymentOperation;
  /** A legal move (the walk goes on from its state) or a probe (must be refused). */
  legal: boolean;
  /** Fraction of the payment's amount it moves (refund and capture). */
  share?: number;
}

/**
 * In each state the walk reaches it tries the writes payment APIs forbid there: a refund of an
 * authorised payment; a cancel and a second capture of a captured one; a capture and a refund of a
 * canceled one. Whether each was in fact forbidden is the check's to decide, from the profile's
 * lifecycle and what the run saw each operation do; the flow only makes sure the attempt happens.
 */
const WALKS: Record<ForbiddenWalk, WalkStep[]> = {
  'capture-walk': [
    { op: 'refund', legal: false, share: 1 },
    { op: 'capture', legal: true, share: 1 },
    { op: 'cancel', legal: false },
    { op: 'capture', legal: false, share: 1 },
    { op: 'refund', legal: true, share: 0.5 },
  ],
  'cancel-walk': [
    { op: 'cancel', legal: true },
    { op: 'capture', legal: false, share: 1 },
    { op: 'refund', legal: false, share: 1 },
  ],
};

/**
 * Whether the profile's lifecycle lets the operation that led to `status` repeat from it (a capture
 * that may be followed by another capture): then a second one is no forbidden write, and is not tried.
 */
function repeatAllowed(ctx: FlowContext, status: string | undefined): boolean {
  return status !== undefined && (ctx.client.profile.lifecycle.transitions[status] ?? []).includes(status);
}

/** Runs a walk on the payment `on.id` just created; each forbidden write gets its own key (never a replay). */
export async function runForbiddenWalk(ctx: FlowContext, plan: FlowPlan, on: RequestParams, write: WriteStep): Promise<void> {
  const id = on.id!;
  // The op that led to the current state, and that state as its answer showed it.
  const last: { op?: PaymentOperation; status?: string } = {};
  const steps = WALKS[plan.walk ?? 'capture-walk'];
  for (let i = 0; i < steps.length && !ctx.signal?.aborted; i++) {
    const { op, legal, share } = steps[i]!;
    if (!legal && op === last.op && repeatAllowed(ctx, last.status)) continue;
    const amount = share === undefined ? undefined : Math.max(1, Math.floor(plan.amount * share));
    const result = await write(ctx, op, 1 + i, plan, { ...on, ...(amount !== undefined ? { amount } : {}) }, { resourceId: id, amount });
    if (!legal) continue;
    if (result.outcome !== 'ok') return;
    last.op = op;
    last.status = result.paymentStatus;
    // An answer that does not show the payment (a refund without the payment embedded): read it, so
    // the next forbidden write is sent in a state the history knows.
    if (result.paymentStatus === undefined) {
      await ctx.client.attempt('get', on, { process: ctx.process, logicalId: `${plan.id}-${1 + i}-get`, resourceId: id }, 1);
    }
  }
}
