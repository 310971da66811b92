import { afterAll, describe, expect, it } from 'vitest';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { PaymentsClient, type Payment, type Problem } from './consumers/payments-client.js';
import { API_KEY, PROVIDER, assertSchema, getHeaders, jsonHeaders, paymentBody, postHeaders, problemBody, problemHeaders } from './support/matchers.js';
import { pactWorkDir, publishPact } from './support/pact-file.js';

/**
 * checkout-service: creates payments with an idempotency key, retries them safely, and looks them
 * up by id or by its order reference. Everything it relies on about idempotency is in this pact.
 */
const CONSUMER = 'checkout-service';
const { eachLike, equal, fromProviderState } = MatchersV3;

const workDir = pactWorkDir(CONSUMER);
const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: workDir, logLevel: 'error' });

afterAll(() => publishPact(CONSUMER, workDir));

describe('checkout-service → payharness-sandbox', () => {
  it('creates a manual-capture payment with an idempotency key', async () => {
    const input = { amount: 5000, currency: 'EUR', reference: 'order-1001', capture: 'manual' as const };
    await pact
      .addInteraction()
      .given('no payments exist')
      .uponReceiving('a request to create a manual-capture payment')
      .withRequest('POST', '/v1/payments', (b) => b.headers(postHeaders('checkout-order-1001')).jsonBody(input))
      .willRespondWith(201, (b) =>
        b.headers(jsonHeaders).jsonBody(paymentBody({ status: 'requires_capture', amount: 5000, amountCaptured: 0, amountRefunded: 0, reference: 'order-1001' })),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).createPayment(input, 'checkout-order-1001');
        expect(answer.status).toBe(201);
        expect(answer.replayed).toBe(false);
        assertSchema('payment', answer.body);
        expect((answer.body as Payment).status).toBe('requires_capture');
      });
  });

  it('creates an automatic-capture payment that is captured at once', async () => {
    const input = { amount: 1999, currency: 'EUR', reference: 'order-1003', capture: 'automatic' as const };
    await pact
      .addInteraction()
      .given('no payments exist')
      .uponReceiving('a request to create an automatic-capture payment')
      .withRequest('POST', '/v1/payments', (b) => b.headers(postHeaders('checkout-order-1003')).jsonBody(input))
      .willRespondWith(201, (b) =>
        b.headers(jsonHeaders).jsonBody(paymentBody({ status: 'succeeded', amount: 1999, amountCaptured: 1999, amountRefunded: 0, reference: 'order-1003' })),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).createPayment(input, 'checkout-order-1003');
        expect(answer.status).toBe(201);
        assertSchema('payment', answer.body);
        expect((answer.body as Payment).amount_captured).toBe(1999);
      });
  });

  it('gets the stored result back when it retries a completed create with the same key', async () => {
    const input = { amount: 5000, currency: 'EUR', reference: 'order-1002', capture: 'manual' as const };
    await pact
      .addInteraction()
      .given('an idempotency key was used', { key: 'checkout-order-1002', amount: 5000, currency: 'EUR', reference: 'order-1002', capture: 'manual' })
      .uponReceiving('a retry of a completed create with the same idempotency key')
      .withRequest('POST', '/v1/payments', (b) => b.headers(postHeaders('checkout-order-1002')).jsonBody(input))
      .willRespondWith(201, (b) =>
        b
          .headers({ ...jsonHeaders, 'Idempotent-Replayed': equal('true') })
          .jsonBody(
            paymentBody({
              // The replay must name the payment the first request created, not a new one.
              id: fromProviderState('${id}', 'pay_3xAmpLe0002'),
              status: 'requires_capture',
              amount: 5000,
              amountCaptured: 0,
              amountRefunded: 0,
              reference: 'order-1002',
            }),
          ),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).createPayment(input, 'checkout-order-1002');
        expect(answer.status).toBe(201);
        expect(answer.replayed).toBe(true);
        expect((answer.body as Payment).id).toBe('pay_3xAmpLe0002');
      });
  });

  it('is refused with 422 when it reuses a key for a different payload', async () => {
    const changed = { amount: 7000, currency: 'EUR', reference: 'order-1004', capture: 'manual' as const };
    await pact
      .addInteraction()
      .given('an idempotency key was used', { key: 'checkout-order-1004', amount: 5000, currency: 'EUR', reference: 'order-1004', capture: 'manual' })
      .uponReceiving('a create that reuses an idempotency key with a different amount')
      .withRequest('POST', '/v1/payments', (b) => b.headers(postHeaders('checkout-order-1004')).jsonBody(changed))
      .willRespondWith(422, (b) => b.headers(problemHeaders).jsonBody(problemBody(422, 'idempotency_key_reused')))
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).createPayment(changed, 'checkout-order-1004');
        expect(answer.status).toBe(422);
        expect(answer.contentType).toMatch(/^application\/problem\+json/);
        assertSchema('problem', answer.body);
      });
  });

  it('is refused with 409 when it captures a canceled payment', async () => {
    await pact
      .addInteraction()
      .given('a canceled payment exists', { amount: 3000, currency: 'EUR', reference: 'order-1005' })
      .uponReceiving('a capture of a canceled payment')
      .withRequest('POST', fromProviderState('/v1/payments/${id}/capture', '/v1/payments/pay_3xAmpLe0005/capture'), (b) =>
        b.headers(postHeaders('checkout-capture-1005')).jsonBody({ amount: 3000 }),
      )
      .willRespondWith(409, (b) => b.headers(problemHeaders).jsonBody(problemBody(409, 'invalid_state')))
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).capturePayment('pay_3xAmpLe0005', 3000, 'checkout-capture-1005');
        expect(answer.status).toBe(409);
        assertSchema('problem', answer.body);
        expect((answer.body as Problem).status).toBe(409);
      });
  });

  it('gets a payment by id', async () => {
    await pact
      .addInteraction()
      .given('a captured payment exists', { amount: 4200, currency: 'EUR', reference: 'order-1006' })
      .uponReceiving('a request for a captured payment by id')
      .withRequest('GET', fromProviderState('/v1/payments/${id}', '/v1/payments/pay_3xAmpLe0006'), (b) => b.headers(getHeaders()))
      .willRespondWith(200, (b) =>
        b.headers(jsonHeaders).jsonBody(
          paymentBody({
            id: fromProviderState('${id}', 'pay_3xAmpLe0006'),
            status: 'succeeded',
            amount: 4200,
            amountCaptured: 4200,
            amountRefunded: 0,
            reference: 'order-1006',
          }),
        ),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).getPayment('pay_3xAmpLe0006');
        expect(answer.status).toBe(200);
        assertSchema('payment', answer.body);
      });
  });

  it('finds the payments of an order by reference', async () => {
    await pact
      .addInteraction()
      .given('a captured payment exists', { amount: 4300, currency: 'EUR', reference: 'order-1007' })
      .uponReceiving('a request for the payments of one order reference')
      .withRequest('GET', '/v1/payments', (b) => b.headers(getHeaders()).query({ reference: 'order-1007' }))
      .willRespondWith(200, (b) =>
        b.headers(jsonHeaders).jsonBody({
          data: eachLike(paymentBody({ status: 'succeeded', amount: 4300, amountCaptured: 4300, amountRefunded: 0, reference: 'order-1007' }), 1),
        }),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).findByReference('order-1007');
        expect(answer.status).toBe(200);
        assertSchema('paymentList', answer.body);
        expect((answer.body as { data: Payment[] }).data).toHaveLength(1);
      });
  });

  it('is told 404 for a payment that does not exist', async () => {
    await pact
      .addInteraction()
      .given('no payments exist')
      .uponReceiving('a request for an unknown payment id')
      .withRequest('GET', '/v1/payments/pay_doesnotexist', (b) => b.headers(getHeaders()))
      .willRespondWith(404, (b) => b.headers(problemHeaders).jsonBody(problemBody(404, 'payment_not_found')))
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).getPayment('pay_doesnotexist');
        expect(answer.status).toBe(404);
        assertSchema('problem', answer.body);
      });
  });
});
