import type { FastifyInstance } from 'fastify';
import { merchantFromAuthorization } from './auth.js';
import type { BugSwitches } from './bugs.js';
import type { Database, Queryable } from './db/database.js';
import { newId } from './ids.js';
import { runIdempotently } from './idempotency.js';
import { createPayment } from './payments/operations.js';
import { insertPayment, type Payment, type PaymentStatus } from './payments/store.js';
import { bodyObject, parseCreatePayment } from './payments/validate.js';
import { ProblemError } from './problem.js';

/** The API key provider states act for unless `params.api_key` says otherwise: the built-in profile's. */
export const DEFAULT_PROVIDER_STATE_KEY = 'sk_test_payharness';

type Params = Record<string, unknown>;

interface StateContext {
  db: Database;
  bugs: BugSwitches;
  retentionMs: number;
  merchant: string;
  params: Params;
}

/** A payment planted in one of the lifecycle states; Pact's fromProviderState reads its fields. */
function plantPayment(status: PaymentStatus) {
  return async ({ db, merchant, params }: StateContext): Promise<object> => {
    const amount = params.amount === undefined ? 1000 : Number(params.amount);
    if (!Number.isInteger(amount) || amount < 2) throw new ProblemError(400, 'invalid_provider_state', 'params.amount must be an integer ≥ 2');
    const captured = status === 'requires_capture' || status === 'canceled' ? 0 : amount;
    const payment: Payment = {
      id: typeof params.id === 'string' && params.id.startsWith('pay_') ? params.id : newId('pay'),
      status,
      amount,
      currency: typeof params.currency === 'string' ? params.currency : 'EUR',
      amount_captured: captured,
      amount_refunded: status === 'partially_refunded' ? Math.floor(amount / 2) : 0,
      reference: typeof params.reference === 'string' ? params.reference : 'order-1',
      created_at: new Date().toISOString(),
    };
    await db.transaction(async (tx) => {
      await deletePayment(tx, payment.id);
      await insertPayment(tx, merchant, payment);
    });
    return payment;
  };
}

async function deletePayment(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM refunds WHERE payment_id = $1', [id]);
  await tx.query('DELETE FROM payments WHERE id = $1', [id]);
}

const STATES: Record<string, (ctx: StateContext) => Promise<object>> = {
  'no payments exist': async ({ db, merchant }) => {
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events WHERE merchant = $1)', [merchant]);
      await tx.query('DELETE FROM events WHERE merchant = $1', [merchant]);
      await tx.query('DELETE FROM refunds WHERE merchant = $1', [merchant]);
      await tx.query('DELETE FROM payments WHERE merchant = $1', [merchant]);
      await tx.query('DELETE FROM idempotency_keys WHERE merchant = $1', [merchant]);
    });
    return {};
  },
  'a payment requiring capture exists': plantPayment('requires_capture'),
  'a captured payment exists': plantPayment('succeeded'),
  'a partially refunded payment exists': plantPayment('partially_refunded'),
  'a canceled payment exists': plantPayment('canceled'),
  // The create really runs under the key, so a repeat replays it and a changed payload gets 422.
  'an idempotency key was used': async ({ db, bugs, retentionMs, merchant, params }) => {
    if (typeof params.key !== 'string' || params.key === '') throw new ProblemError(400, 'invalid_provider_state', 'params.key (the Idempotency-Key) is required');
    const input = parseCreatePayment({ amount: params.amount ?? 1000, currency: params.currency ?? 'EUR', reference: params.reference ?? 'order-1', capture: params.capture });
    await db.query('DELETE FROM idempotency_keys WHERE merchant = $1 AND key = $2', [merchant, params.key]);
    const response = await runIdempotently({ db, bugs, retentionMs }, { merchant, key: params.key, method: 'POST', path: '/v1/payments', body: input },
      createPayment({ merchant, bugs }, input));
    return { ...(JSON.parse(response.body) as object), key: params.key };
  },
};

/** The state names this sandbox can set up, for documentation and error messages. */
export const PROVIDER_STATES = Object.keys(STATES);

/**
 * `POST /_pact/provider-states` (only with --provider-states). An unknown state or a failed setup
 * answers 4xx problem+json, so the interaction that needed it fails instead of passing vacuously.
 */
export function registerProviderStates(app: FastifyInstance, options: Omit<StateContext, 'merchant' | 'params'>): void {
  app.post('/_pact/provider-states', async (request, reply) => {
    const body = bodyObject(request.body, true);
    const { state, action = 'setup' } = body;
    const params = (body.params && typeof body.params === 'object' ? body.params : {}) as Params;
    if (typeof state !== 'string') throw new ProblemError(400, 'invalid_provider_state', 'state must be a string');
    if (action !== 'setup' && action !== 'teardown') throw new ProblemError(400, 'invalid_provider_state', 'action must be "setup" or "teardown"');
    const setup = STATES[state];
    if (!setup) {
      throw new ProblemError(400, 'unknown_provider_state', `unknown provider state ${JSON.stringify(state)}; known: ${PROVIDER_STATES.map((s) => JSON.stringify(s)).join(', ')}`);
    }
    if (action === 'teardown') return reply.code(200).send({});
    const apiKey = [params.api_key, params.apiKey, params.merchant].find((v): v is string => typeof v === 'string') ?? DEFAULT_PROVIDER_STATE_KEY;
    const merchant = merchantFromAuthorization(`Bearer ${apiKey}`);
    return reply.code(200).send(await setup({ ...options, merchant, params }));
  });
}
