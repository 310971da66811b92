import { setTimeout as sleep } from 'node:timers/promises';
import type { BugSwitches } from '../bugs.js';
import type { Database, Queryable } from '../db/database.js';
import { newId } from '../ids.js';
import { ProblemError } from '../problem.js';
import { recordEvent } from '../webhooks/events.js';
import { writeBehind } from '../webhooks/write-behind-outbox.js';
import { sendBeforeCommit } from '../webhooks/send-before-commit.js';
import { addRefundedUnchecked, findPayment, insertPayment, insertRefund, savePayment, type Payment, type PaymentStatus, type Refund } from './store.js';
import type { CreatePaymentInput } from './validate.js';

/** What a state-changing request answers; stored as-is for idempotent replays. */
export interface OperationResult {
  status: number;
  body: object;
  /** The payment the request is about (replay-differs re-reads it). */
  resourceId: string;
}

/** A state-changing request, run once per idempotency key. */
export interface Operation {
  /** What makes two requests "the same payload" when it is not the raw body (defaults applied). */
  fingerprint?: unknown;
  /** Reads before the transaction; only planted bugs use it (the stale read is the bug). */
  prepare?(db: Database): Promise<void>;
  /** The change itself, inside the transaction that also stores the idempotent response. */
  run(tx: Queryable): Promise<OperationResult>;
}

interface Context {
  merchant: string;
  bugs: BugSwitches;
  /** Called when the change queued webhook deliveries (the dispatcher is woken once it commits). */
  onDeliveriesQueued?: () => void;
  /** The database outside the request's transaction (the outbox-not-durable bug writes events later). */
  db?: Database;
}

async function emit(tx: Queryable, ctx: Context, type: Parameters<typeof recordEvent>[2], payment: Payment): Promise<void> {
  // Planted bugs that only a fault inside the provider (a lost database connection, a crash) exposes.
  if (ctx.bugs.has('outbox-not-durable') && ctx.db) return writeBehind(ctx.db, ctx.merchant, type, payment);
  if (ctx.bugs.has('event-before-db-commit')) {
    await sendBeforeCommit(tx, ctx.merchant, type, payment);
    return;
  }
  const { deliveries } = await recordEvent(tx, ctx.merchant, type, payment);
  if (deliveries > 0) ctx.onDeliveriesQueued?.();
}

/** Long enough for concurrent requests to interleave on two cores; only planted bugs wait. */
const STALE_READ_WINDOW_MS = 25;

async function lockPayment(tx: Queryable, merchant: string, id: string): Promise<Payment> {
  const payment = await findPayment(tx, merchant, id, true);
  if (!payment) throw new ProblemError(404, 'payment_not_found', `no payment ${id}`);
  return payment;
}

function illegal(payment: Payment, action: string): never {
  throw new ProblemError(409, 'invalid_state', `cannot ${action} payment ${payment.id}: its status is ${payment.status}`);
}

export function createPayment(ctx: Context, input: CreatePaymentInput): Operation {
  return {
    // `capture` left out and `capture: "automatic"` are one request.
    fingerprint: input,
    async run(tx) {
      const automatic = input.capture === 'automatic';
      const payment: Payment = {
        id: newId('pay'),
        status: automatic ? 'succeeded' : 'requires_capture',
        amount: input.amount,
        currency: input.currency,
        amount_captured: automatic ? input.amount : 0,
        amount_refunded: 0,
        reference: input.reference,
        created_at: new Date().toISOString(),
      };
      await insertPayment(tx, ctx.merchant, payment);
      await emit(tx, ctx, 'payment.created', payment);
      return { status: 201, body: payment, resourceId: payment.id };
    },
  };
}

export function capturePayment(ctx: Context, id: string, amount: number | undefined): Operation {
  const unlocked = ctx.bugs.has('capture-race');
  let staleRead: Payment | undefined;
  return {
    prepare: unlocked
      ? async (db) => {
          staleRead = await findPayment(db, ctx.merchant, id);
          await sleep(STALE_READ_WINDOW_MS);
        }
      : undefined,
    async run(tx) {
      // Correct: decide on the locked row. Bugged: decide on the read taken before the transaction.
      const payment = unlocked ? staleRead : await lockPayment(tx, ctx.merchant, id);
      if (!payment) throw new ProblemError(404, 'payment_not_found', `no payment ${id}`);
      const capturable = payment.status === 'requires_capture' || (payment.status === 'canceled' && ctx.bugs.has('capture-after-cancel'));
      if (!capturable) illegal(payment, 'capture');
      const captureAmount = amount ?? payment.amount;
      if (captureAmount > payment.amount) {
        throw new ProblemError(409, 'amount_exceeds_authorized', `capture amount ${captureAmount} exceeds the authorized ${payment.amount}`);
      }
      const saved = await savePayment(tx, ctx.merchant, { ...payment, status: 'succeeded', amount_captured: captureAmount });
      await emit(tx, ctx, 'payment.captured', saved);
      return { status: 200, body: saved, resourceId: id };
    },
  };
}

export function cancelPayment(ctx: Context, id: string): Operation {
  return {
    async run(tx) {
      const payment = await lockPayment(tx, ctx.merchant, id);
      if (payment.status !== 'requires_capture') illegal(payment, 'cancel');
      const saved = await savePayment(tx, ctx.merchant, { ...payment, status: 'canceled' });
      await emit(tx, ctx, 'payment.canceled', saved);
      return { status: 200, body: saved, resourceId: id };
    },
  };
}

export function refundPayment(ctx: Context, id: string, amount: number | undefined): Operation {
  const overdraw = ctx.bugs.has('refund-overdraw');
  let staleRead: Payment | undefined;
  return {
    prepare: overdraw
      ? async (db) => {
          staleRead = await findPayment(db, ctx.merchant, id);
          await sleep(STALE_READ_WINDOW_MS);
        }
      : undefined,
    async run(tx) {
      // Correct: decide on the locked row. Bugged: decide on the read taken before the transaction.
      const payment = overdraw ? staleRead : await findPayment(tx, ctx.merchant, id, true);
      if (!payment) throw new ProblemError(404, 'payment_not_found', `no payment ${id}`);
      if (payment.status === 'requires_capture' && ctx.bugs.has('refund-uncaptured')) return acceptUncaptured(tx, ctx, payment, amount);
      if (payment.status !== 'succeeded' && payment.status !== 'partially_refunded') illegal(payment, 'refund');
      const remaining = payment.amount_captured - payment.amount_refunded;
      const refundAmount = amount ?? remaining;
      if (refundAmount > remaining) {
        throw new ProblemError(409, 'amount_exceeds_captured', `refund amount ${refundAmount} exceeds the ${remaining} left to refund on ${id}`);
      }
      const status: PaymentStatus = refundAmount === remaining ? 'refunded' : 'partially_refunded';
      const saved = overdraw
        ? await addRefundedUnchecked(tx, ctx.merchant, id, refundAmount, status)
        : await savePayment(tx, ctx.merchant, { ...payment, status, amount_refunded: payment.amount_refunded + refundAmount });
      const refund: Refund = { id: newId('re'), payment_id: id, amount: refundAmount, status: 'succeeded', created_at: new Date().toISOString(), payment: saved };
      await insertRefund(tx, ctx.merchant, refund);
      await emit(tx, ctx, 'payment.refunded', saved);
      return { status: 201, body: refund, resourceId: id };
    },
  };
}

/** The refund-uncaptured bug: the refund is recorded and acknowledged, and the payment it names is left untouched. */
async function acceptUncaptured(tx: Queryable, ctx: Context, payment: Payment, amount: number | undefined): Promise<OperationResult> {
  const refund: Refund = { id: newId('re'), payment_id: payment.id, amount: amount ?? payment.amount, status: 'succeeded', created_at: new Date().toISOString(), payment };
  await insertRefund(tx, ctx.merchant, refund);
  return { status: 201, body: refund, resourceId: payment.id };
}
