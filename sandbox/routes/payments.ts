import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isId } from '../ids.js';
import { runIdempotently, type IdempotencyOptions } from '../idempotency.js';
import { cancelPayment, capturePayment, createPayment, refundPayment, type Operation } from '../payments/operations.js';
import { findPayment, listPayments } from '../payments/store.js';
import { amountField, bodyObject, isReference, parseCreatePayment } from '../payments/validate.js';
import { ProblemError } from '../problem.js';
import { withCommitFailure, type CommitFailures } from '../payments/commit-failures.js';

/** The payment routes' options: idempotency, plus the sandbox's own commit failures (`--fail-rate`) when on. */
export type PaymentRouteOptions = IdempotencyOptions & { commitFailures?: CommitFailures };

type IdParams = { id: string };

function paymentId(request: FastifyRequest<{ Params: IdParams }>): string {
  const { id } = request.params;
  if (!isId('pay', id)) throw new ProblemError(404, 'payment_not_found', `no payment ${id}`);
  return id;
}

/** Sends what runIdempotently decided, marking replays as the IETF draft and Stripe do. */
export async function sendIdempotent(
  options: IdempotencyOptions, request: FastifyRequest, reply: FastifyReply, operation: () => Operation, failures?: CommitFailures,
): Promise<void> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  // Only payment writes may fail at commit (`--fail-rate`); an endpoint registration never does.
  const work = failures
    ? withCommitFailure(operation(), () => failures.decide(request.merchant, key), { db: options.db, bugs: options.bugs })
    : operation();
  const response = await runIdempotently(options, {
    merchant: request.merchant,
    key,
    method: request.method,
    path: request.url.split('?')[0] as string,
    body: work.fingerprint ?? request.body,
  }, work);
  if (response.replayed) reply.header('Idempotent-Replayed', 'true');
  await reply.code(response.status).type(response.contentType).send(response.body);
}

/** The payment routes; every POST goes through the idempotency layer. */
export function registerPaymentRoutes(app: FastifyInstance, options: PaymentRouteOptions): void {
  const ctx = (request: FastifyRequest) => ({
    merchant: request.merchant,
    bugs: options.bugs,
    db: options.db,
    onDeliveriesQueued: () => {
      request.deliveriesQueued = true;
    },
  });

  const failures = options.commitFailures;
  app.post('/v1/payments', (request, reply) =>
    sendIdempotent(options, request, reply, () => createPayment(ctx(request), parseCreatePayment(request.body)), failures));

  app.post<{ Params: IdParams }>('/v1/payments/:id/capture', (request, reply) =>
    sendIdempotent(options, request, reply, () => {
      const amount = amountField(bodyObject(request.body, false), 'amount', false);
      return capturePayment(ctx(request), paymentId(request), amount);
    }, failures));

  app.post<{ Params: IdParams }>('/v1/payments/:id/refunds', (request, reply) =>
    sendIdempotent(options, request, reply, () => {
      const amount = amountField(bodyObject(request.body, false), 'amount', false);
      return refundPayment(ctx(request), paymentId(request), amount);
    }, failures));

  app.post<{ Params: IdParams }>('/v1/payments/:id/cancel', (request, reply) =>
    sendIdempotent(options, request, reply, () => {
      bodyObject(request.body, false);
      return cancelPayment(ctx(request), paymentId(request));
    }, failures));

  app.get<{ Params: IdParams }>('/v1/payments/:id', async (request) => {
    const id = paymentId(request);
    const payment = await findPayment(options.db, request.merchant, id);
    if (!payment) throw new ProblemError(404, 'payment_not_found', `no payment ${id}`);
    return payment;
  });

  app.get<{ Querystring: { reference?: string | string[] } }>('/v1/payments', async (request) => {
    const { reference } = request.query;
    if (Array.isArray(reference)) throw new ProblemError(400, 'invalid_request', 'give reference at most once');
    if (reference !== undefined && reference !== '' && !isReference(reference)) {
      throw new ProblemError(400, 'invalid_request', 'reference must be 1 to 255 characters, without NUL');
    }
    return { data: await listPayments(options.db, request.merchant, reference) };
  });
}
