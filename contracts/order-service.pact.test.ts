import { afterAll, describe, expect, it } from 'vitest';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { PaymentsClient, type Payment, type Refund } from './consumers/payments-client.js';
import { handlePaymentEvent } from './consumers/webhook-receiver.js';
import { API_KEY, EXAMPLE_CREATED_AT, ISO_TIMESTAMP, PAYMENT_ID, PROVIDER, assertSchema, jsonHeaders, paymentBody, postHeaders } from './support/matchers.js';
import { pactWorkDir, publishPact } from './support/pact-file.js';

/**
 * order-service: captures, refunds (in parts) and cancels payments over HTTP, and learns about
 * payment changes from signed webhooks. HTTP interactions and the webhook messages it relies on
 * live in one pact, written by this one test file (so parallel test files never clobber it).
 */
const CONSUMER = 'order-service';
const { equal, integer, regex, fromProviderState } = MatchersV3;

const workDir = pactWorkDir(CONSUMER);
const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: workDir, logLevel: 'error' });

afterAll(() => publishPact(CONSUMER, workDir));
const paymentPath = (suffix: string, exampleId: string) => fromProviderState(`/v1/payments/\${id}${suffix}`, `/v1/payments/${exampleId}${suffix}`);

describe('order-service → payharness-sandbox (HTTP)', () => {
  it('captures an authorised payment in full', async () => {
    await pact
      .addInteraction()
      .given('a payment requiring capture exists', { amount: 5000, currency: 'EUR', reference: 'order-2001' })
      .uponReceiving('a request to capture a payment in full')
      .withRequest('POST', paymentPath('/capture', 'pay_3xAmpLe2001'), (b) => b.headers(postHeaders('order-capture-2001')).jsonBody({ amount: 5000 }))
      .willRespondWith(200, (b) =>
        b.headers(jsonHeaders).jsonBody(
          paymentBody({ id: fromProviderState('${id}', 'pay_3xAmpLe2001'), status: 'succeeded', amount: 5000, amountCaptured: 5000, amountRefunded: 0, reference: 'order-2001' }),
        ),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).capturePayment('pay_3xAmpLe2001', 5000, 'order-capture-2001');
        expect(answer.status).toBe(200);
        assertSchema('payment', answer.body);
        expect((answer.body as Payment).amount_captured).toBe(5000);
      });
  });

  it('refunds part of a captured payment', async () => {
    await pact
      .addInteraction()
      .given('a captured payment exists', { amount: 5000, currency: 'EUR', reference: 'order-2002' })
      .uponReceiving('a request to refund part of a captured payment')
      .withRequest('POST', paymentPath('/refunds', 'pay_3xAmpLe2002'), (b) => b.headers(postHeaders('order-refund-2002-1')).jsonBody({ amount: 2000 }))
      .willRespondWith(201, (b) =>
        b.headers(jsonHeaders).jsonBody({
          id: regex('^re_[A-Za-z0-9_-]+$', 're_3xAmpLe2002'),
          payment_id: fromProviderState('${id}', 'pay_3xAmpLe2002'),
          amount: equal(2000),
          status: equal('succeeded'),
          payment: paymentBody({ status: 'partially_refunded', amount: 5000, amountCaptured: 5000, amountRefunded: 2000, reference: 'order-2002' }),
        }),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).refundPayment('pay_3xAmpLe2002', 2000, 'order-refund-2002-1');
        expect(answer.status).toBe(201);
        assertSchema('refund', answer.body);
        expect((answer.body as Refund).payment.status).toBe('partially_refunded');
      });
  });

  it('refunds again after an earlier partial refund', async () => {
    await pact
      .addInteraction()
      .given('a partially refunded payment exists', { amount: 5000, currency: 'EUR', reference: 'order-2003' })
      .uponReceiving('a second partial refund of a payment')
      .withRequest('POST', paymentPath('/refunds', 'pay_3xAmpLe2003'), (b) => b.headers(postHeaders('order-refund-2003-2')).jsonBody({ amount: 1000 }))
      .willRespondWith(201, (b) =>
        b.headers(jsonHeaders).jsonBody({
          id: regex('^re_[A-Za-z0-9_-]+$', 're_3xAmpLe2003'),
          payment_id: fromProviderState('${id}', 'pay_3xAmpLe2003'),
          amount: equal(1000),
          status: equal('succeeded'),
          // How much the earlier refund took is the state's business; the consumer relies on the shape.
          payment: {
            ...paymentBody({ status: 'partially_refunded', amount: 5000, amountCaptured: 5000, amountRefunded: 0, reference: 'order-2003' }),
            status: regex('^(partially_refunded|refunded)$', 'partially_refunded'),
            amount_refunded: integer(3000),
          },
        }),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).refundPayment('pay_3xAmpLe2003', 1000, 'order-refund-2003-2');
        expect(answer.status).toBe(201);
        assertSchema('refund', answer.body);
      });
  });

  it('cancels an authorised payment', async () => {
    await pact
      .addInteraction()
      .given('a payment requiring capture exists', { amount: 2500, currency: 'EUR', reference: 'order-2004' })
      .uponReceiving('a request to cancel an uncaptured payment')
      // An empty JSON object rather than no body: proxies in between may label a bodyless POST with a media type the API refuses.
      .withRequest('POST', paymentPath('/cancel', 'pay_3xAmpLe2004'), (b) => b.headers(postHeaders('order-cancel-2004')).jsonBody({}))
      .willRespondWith(200, (b) =>
        b.headers(jsonHeaders).jsonBody(
          paymentBody({ id: fromProviderState('${id}', 'pay_3xAmpLe2004'), status: 'canceled', amount: 2500, amountCaptured: 0, amountRefunded: 0, reference: 'order-2004' }),
        ),
      )
      .executeTest(async (server) => {
        const answer = await new PaymentsClient(server.url, API_KEY).cancelPayment('pay_3xAmpLe2004', 'order-cancel-2004');
        expect(answer.status).toBe(200);
        expect((answer.body as Payment).status).toBe('canceled');
      });
  });
});

/** The Standard Webhooks headers order-service needs on every delivery, matched by shape. */
const webhookMetadata = (eventId: string) => ({
  'content-type': 'application/json',
  'webhook-id': regex('^evt_[A-Za-z0-9_-]+$', eventId),
  'webhook-timestamp': regex('^[0-9]{10}$', '1768471200'),
  'webhook-signature': regex('^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='),
});

interface EventExample {
  eventId: string;
  type: string;
  status: string;
  capturedByDefault: number;
  refunded: number;
}

/** An event body: the type and payment status exactly, ids and timestamps by shape, amounts by type. */
function eventBody(example: EventExample): Record<string, unknown> {
  return {
    id: regex('^evt_[A-Za-z0-9_-]+$', example.eventId),
    type: equal(example.type),
    created_at: regex(ISO_TIMESTAMP, EXAMPLE_CREATED_AT),
    data: {
      object: {
        id: regex(PAYMENT_ID, 'pay_3xAmpLe3000'),
        status: equal(example.status),
        amount: integer(5000),
        currency: regex('^[A-Z]{3}$', 'EUR'),
        amount_captured: integer(example.capturedByDefault),
        amount_refunded: integer(example.refunded),
        reference: regex('^.+$', 'order-3000'),
        created_at: regex(ISO_TIMESTAMP, EXAMPLE_CREATED_AT),
      },
    },
  };
}

const EVENTS: Array<EventExample & { description: string; orderState: string }> = [
  { description: 'a payment.captured webhook event', eventId: 'evt_3xAmpLe0001', type: 'payment.captured', status: 'succeeded', capturedByDefault: 5000, refunded: 0, orderState: 'paid' },
  { description: 'a payment.refunded webhook event', eventId: 'evt_3xAmpLe0002', type: 'payment.refunded', status: 'partially_refunded', capturedByDefault: 5000, refunded: 2500, orderState: 'partially_refunded' },
  { description: 'a payment.canceled webhook event', eventId: 'evt_3xAmpLe0003', type: 'payment.canceled', status: 'canceled', capturedByDefault: 0, refunded: 0, orderState: 'canceled' },
];

describe('order-service ← payharness-sandbox (webhook messages)', () => {
  for (const event of EVENTS) {
    it(`handles ${event.description}`, async () => {
      await pact
        .addAsynchronousInteraction()
        .expectsToReceive(event.description, (b) => b.withJSONContent(eventBody(event)).withMetadata(webhookMetadata(event.eventId)))
        .executeTest(async (message) => {
          const headers = message.metadata as Record<string, string>;
          const update = handlePaymentEvent(message.contents.content, headers);
          expect(update).toEqual({ eventId: event.eventId, paymentId: 'pay_3xAmpLe3000', orderState: event.orderState });
        });
    });
  }
});
