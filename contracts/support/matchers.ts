import { MatchersV3, type TemplateHeaders } from '@pact-foundation/pact';
import { schemaProblems, type SchemaName } from '../schemas/index.js';

/**
 * Matcher fragments shared by the consumer tests. Ids and timestamps are matched by shape, never
 * literally, and every example is a fixed value so the written pact files are deterministic.
 */
const { like, integer, regex, equal } = MatchersV3;

export const PROVIDER = 'payharness-sandbox';
export const API_KEY = 'sk_test_payharness';
export const ISO_TIMESTAMP = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
export const PAYMENT_ID = '^pay_[A-Za-z0-9_-]+$';
export const EXAMPLE_CREATED_AT = '2026-01-15T10:00:00.000Z';

/** Headers of a POST with a JSON body and an idempotency key. */
export const postHeaders = (idempotencyKey: string): TemplateHeaders => ({
  Authorization: regex('^Bearer sk_test_[A-Za-z0-9_]+$', `Bearer ${API_KEY}`),
  'Idempotency-Key': idempotencyKey,
  'Content-Type': 'application/json',
});

/** Headers of a GET. */
export const getHeaders = (): TemplateHeaders => ({
  Authorization: regex('^Bearer sk_test_[A-Za-z0-9_]+$', `Bearer ${API_KEY}`),
});

// Pact compares Content-Type by media type: a bare `application/json` accepts any charset parameter,
// while a regex matcher would be applied to each parameter separately and fail.
export const jsonHeaders = { 'Content-Type': 'application/json' };
export const problemHeaders = { 'Content-Type': 'application/problem+json' };

export interface PaymentExample {
  id?: unknown;
  status: string;
  amount: number;
  currency?: string;
  amountCaptured: number;
  amountRefunded: number;
  reference: string;
}

/** A payment body: the consumer relies on exact status and amounts, the rest by type/shape. */
export function paymentBody(example: PaymentExample): Record<string, unknown> {
  return {
    id: example.id ?? regex(PAYMENT_ID, 'pay_3xAmpLe0001'),
    status: equal(example.status),
    amount: equal(example.amount),
    currency: equal(example.currency ?? 'EUR'),
    amount_captured: equal(example.amountCaptured),
    amount_refunded: equal(example.amountRefunded),
    reference: like(example.reference),
    created_at: regex(ISO_TIMESTAMP, EXAMPLE_CREATED_AT),
  };
}

/** An RFC 9457 problem body; the consumer branches on `status` and `code`. */
export function problemBody(status: number, code: string): Record<string, unknown> {
  return {
    type: like(`urn:payharness:problem:${code}`),
    title: like('Problem title'),
    status: equal(status),
    detail: like('what went wrong'),
    code: equal(code),
  };
}

/** Fails the consumer test when an example we promise does not satisfy our own schema. */
export function assertSchema(name: SchemaName, value: unknown): void {
  const problems = schemaProblems(name, value);
  if (problems.length > 0) throw new Error(`${name} example violates contracts/schemas: ${problems.join('; ')}`);
}

export { integer };
