import { sleep } from './sleep.js';
import type { PaymentOperation } from '../history/types.js';
import type { ClientRetryPolicy } from '../config/scenario-types.js';
import type { RequestParams } from './request.js';
import type { AttemptResult, PaymentClient } from './client.js';
import type { DuplicatePlan, FlowPlan } from './plan.js';
import { runForbiddenWalk } from './flows-forbidden.js';
import { runCaptureRace } from './flows-capture-race.js';
import { FlowReplays } from './replays.js';
import { runMerchantKeyScope } from './merchant-flows.js';

/** What a flow needs from the run around it. */
export interface FlowContext {
  client: PaymentClient;
  retry: ClientRetryPolicy;
  runId: string;
  currency: string;
  process: number;
  signal?: AbortSignal;
  /** Called with every payment a create answered with, and every reference used (for final reads, as `merchant` when given). */
  touched(reference: string, logicalId: string, resourceId?: string, merchant?: string): void;
  /** The profile's `idempotency.retentionSeconds`: late replays stay inside it. */
  retentionSeconds?: number;
  /** The running flow's writes, for the replays after its last step (set by runFlow). */
  replays?: FlowReplays;
}


/** One write with its planned duplicates: concurrent copies, a delayed replay, a changed payload. */
async function write(
  ctx: FlowContext, op: PaymentOperation, step: number, plan: FlowPlan, params: RequestParams, extra: { resourceId?: string; amount?: number },
): Promise<AttemptResult> {
  const logicalId = `${plan.id}-${step}`;
  const key = `${ctx.runId}-${logicalId}`;
  const dup: DuplicatePlan = plan.duplicates[step] ?? { concurrentCopies: 0, payloadChange: false };
  const full: RequestParams = { ...params, idempotencyKey: key };
  const meta = { process: ctx.process, logicalId, resourceId: extra.resourceId, amount: extra.amount };
  const copies = Array.from({ length: dup.concurrentCopies }, (_, i) =>
    ctx.client.attempt(op, full, { ...meta, intent: 'concurrent-copy' }, 1 + i),
  );
  const [main] = await Promise.all([ctx.client.perform(op, full, meta, ctx.retry), ...copies]);
  ctx.replays?.sent(op, full, meta, step);
  if (ctx.signal?.aborted) return main;
  if (dup.replayAfterMs !== undefined) {
    await sleep(dup.replayAfterMs, ctx.signal);
    if (!ctx.signal?.aborted) await ctx.client.attempt(op, full, { ...meta, intent: 'replay' }, 90);
  }
  if (dup.payloadChange && params.amount !== undefined && !ctx.signal?.aborted) {
    const changed = { ...full, amount: params.amount + 1 };
    await ctx.client.attempt(op, changed, { ...meta, amount: changed.amount, intent: 'payload-change' }, 91);
  }
  return main;
}

/**
 * Authorised, a refund is tried before any capture (the API must refuse it: nothing is captured),
 * then the payment is captured and part of it refunded. The refused refund's key is the one a later
 * replay must answer with the stored refusal, though by then the same refund would succeed.
 */
async function earlyRefund(ctx: FlowContext, plan: FlowPlan, on: RequestParams, id: string): Promise<void> {
  const [early, later] = plan.refunds as [number, number];
  await write(ctx, 'refund', 1, plan, { ...on, amount: early }, { resourceId: id, amount: early });
  if (ctx.signal?.aborted) return;
  const captured = await write(ctx, 'capture', 2, plan, { ...on, amount: plan.amount }, { resourceId: id, amount: plan.amount });
  if (captured.outcome !== 'ok' || ctx.signal?.aborted) return;
  await write(ctx, 'refund', 3, plan, { ...on, amount: later }, { resourceId: id, amount: later });
}

/** Runs one planned flow to its end (or until the run is interrupted). */
export async function runFlow(worker: FlowContext, plan: FlowPlan): Promise<void> {
  const ctx: FlowContext = { ...worker, replays: new FlowReplays(plan, worker.retentionSeconds) };
  if (plan.flow === 'merchant-key-scope') return runMerchantKeyScope(ctx, plan);
  const reference = `${ctx.runId}-${plan.id}`;
  const manual = plan.flow === 'authorize-capture' || plan.flow === 'cancel' || plan.flow === 'capture-after-cancel'
    || plan.flow === 'forbidden-transitions' || plan.flow === 'capture-race' || plan.flow === 'early-refund';
  const createParams: RequestParams = { amount: plan.amount, currency: ctx.currency, reference, captureMode: manual ? 'manual' : 'automatic' };
  const created = await write(ctx, 'create', 0, plan, createParams, { amount: plan.amount });
  ctx.touched(reference, `${plan.id}-0`, created.resourceId);
  const id = created.resourceId;
  if (!id || ctx.signal?.aborted) return;
  // Every later operation may name the create's placeholders too (reference, currency, capture mode); its own amount is set per step.
  const { amount: _createAmount, ...shared } = createParams;
  const on: RequestParams = { ...shared, id };
  switch (plan.flow) {
    case 'authorize-capture':
      await write(ctx, 'capture', 1, plan, { ...on, amount: plan.amount }, { resourceId: id, amount: plan.amount });
      break;
    case 'cancel':
      await write(ctx, 'cancel', 1, plan, on, { resourceId: id });
      break;
    case 'capture-after-cancel':
      await write(ctx, 'cancel', 1, plan, on, { resourceId: id });
      if (!ctx.signal?.aborted) await write(ctx, 'capture', 2, plan, { ...on, amount: plan.amount }, { resourceId: id, amount: plan.amount });
      break;
    case 'refund':
      for (let i = 0; i < plan.refunds.length && !ctx.signal?.aborted; i++) {
        const amount = plan.refunds[i]!;
        await write(ctx, 'refund', 1 + i, plan, { ...on, amount }, { resourceId: id, amount });
      }
      break;
    case 'refund-race':
      await Promise.all(plan.refunds.map((amount, i) => write(ctx, 'refund', 1 + i, plan, { ...on, amount }, { resourceId: id, amount })));
      break;
    case 'forbidden-transitions':
      await runForbiddenWalk(ctx, plan, on, write);
      break;
    case 'capture-race':
      await runCaptureRace(ctx, plan, on, write);
      break;
    case 'early-refund':
      await earlyRefund(ctx, plan, on, id);
      break;
    default:
      break;
  }
  if (!ctx.signal?.aborted) await ctx.replays!.replay(ctx.client, ctx.signal);
  if (!ctx.signal?.aborted) await ctx.client.attempt('get', on, { process: ctx.process, logicalId: `${plan.id}-get`, resourceId: id }, 1);
}
