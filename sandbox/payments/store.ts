import { toNumber, type Queryable } from '../db/database.js';

export type PaymentStatus = 'requires_capture' | 'succeeded' | 'partially_refunded' | 'refunded' | 'canceled';

/** A payment as the API shows it; amounts in minor units. */
export interface Payment {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  amount_captured: number;
  amount_refunded: number;
  reference: string | null;
  created_at: string;
}

export interface Refund {
  id: string;
  payment_id: string;
  amount: number;
  status: 'succeeded';
  created_at: string;
  payment: Payment;
}

interface PaymentRow {
  id: string;
  status: string;
  amount: unknown;
  currency: string;
  amount_captured: unknown;
  amount_refunded: unknown;
  reference: string | null;
  created_at_ms: unknown;
}

const COLUMNS = 'id, status, amount, currency, amount_captured, amount_refunded, reference, created_at_ms';

function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    status: row.status as PaymentStatus,
    amount: toNumber(row.amount),
    currency: row.currency,
    amount_captured: toNumber(row.amount_captured),
    amount_refunded: toNumber(row.amount_refunded),
    reference: row.reference,
    created_at: new Date(toNumber(row.created_at_ms)).toISOString(),
  };
}

/** One payment of this merchant; `forUpdate` takes the row lock that money changes rely on. */
export async function findPayment(q: Queryable, merchant: string, id: string, forUpdate = false): Promise<Payment | undefined> {
  const rows = await q.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments WHERE id = $1 AND merchant = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [id, merchant],
  );
  return rows[0] ? toPayment(rows[0]) : undefined;
}

export async function listPayments(q: Queryable, merchant: string, reference: string | undefined): Promise<Payment[]> {
  const rows = reference === undefined
    ? await q.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE merchant = $1 ORDER BY created_at_ms, id LIMIT 100`, [merchant])
    : await q.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE merchant = $1 AND reference = $2 ORDER BY created_at_ms, id LIMIT 100`, [merchant, reference]);
  return rows.map(toPayment);
}

export async function insertPayment(q: Queryable, merchant: string, payment: Payment): Promise<void> {
  await q.query(
    `INSERT INTO payments (id, merchant, status, amount, currency, amount_captured, amount_refunded, reference, created_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [payment.id, merchant, payment.status, payment.amount, payment.currency, payment.amount_captured, payment.amount_refunded, payment.reference, Date.parse(payment.created_at)],
  );
}

/** Writes status and amounts back and returns the payment as stored. */
export async function savePayment(q: Queryable, merchant: string, payment: Payment): Promise<Payment> {
  const rows = await q.query<PaymentRow>(
    `UPDATE payments SET status = $3, amount_captured = $4, amount_refunded = $5 WHERE id = $1 AND merchant = $2 RETURNING ${COLUMNS}`,
    [payment.id, merchant, payment.status, payment.amount_captured, payment.amount_refunded],
  );
  return toPayment(rows[0] as PaymentRow);
}

/**
 * Adds to amount_refunded relative to whatever is stored now (no check): the shape of the
 * refund-overdraw bug, where the balance check happened earlier on a stale read.
 */
export async function addRefundedUnchecked(q: Queryable, merchant: string, id: string, amount: number, status: PaymentStatus): Promise<Payment> {
  const rows = await q.query<PaymentRow>(
    `UPDATE payments SET amount_refunded = amount_refunded + $3, status = $4 WHERE id = $1 AND merchant = $2 RETURNING ${COLUMNS}`,
    [id, merchant, amount, status],
  );
  return toPayment(rows[0] as PaymentRow);
}

export async function insertRefund(q: Queryable, merchant: string, refund: Omit<Refund, 'payment'>): Promise<void> {
  await q.query(
    'INSERT INTO refunds (id, payment_id, merchant, amount, status, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)',
    [refund.id, refund.payment_id, merchant, refund.amount, refund.status, Date.parse(refund.created_at)],
  );
}
