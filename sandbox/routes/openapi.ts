import type { FastifyInstance } from 'fastify';
import { EVENT_TYPES } from '../webhooks/events.js';
import { MAX_AMOUNT } from '../payments/validate.js';

/**
 * `GET /openapi.json`: the sandbox's API as an OpenAPI 3 document, written by hand from the routes in
 * this folder (the sandbox never imports harness code). It lets `payharness profile init --openapi`
 * be tried on an API whose real profile is known, and tells users of the sandbox what it accepts.
 * Keep it in step with routes/payments.ts, routes/webhooks.ts and payments/validate.ts.
 */

const ref = (name: string): Record<string, unknown> => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string): Record<string, unknown> => ({ 'application/json': { schema: ref(name) } });
const problem = (description: string): Record<string, unknown> => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

const idempotencyKey = {
  name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', maxLength: 255 },
  description: 'Same key and same request: the stored answer is replayed (with Idempotent-Replayed: true)',
};
const paymentId = { name: 'id', in: 'path', required: true, schema: { type: 'string', example: 'pay_01J0000000000000000000000' } };
const writeErrors = {
  '400': problem('Invalid request'),
  '401': problem('Missing or malformed API key'),
  '409': problem('A request with this key is still in flight, or the payment is in a state that does not allow this'),
  '422': problem('The key was used with another request'),
};
const action = (operationId: string, success: string, schema: string, body?: string): Record<string, unknown> => ({
  operationId,
  parameters: [paymentId, idempotencyKey],
  ...(body ? { requestBody: { required: false, content: json(body) } } : {}),
  responses: { [success]: { description: 'Done', content: json(schema) }, '404': problem('No such payment'), ...writeErrors },
});

const minor = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'Minor units (1250 = 12.50 EUR)', example: 1250 };

export const SANDBOX_OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'payharness sandbox', version: '1.0.0', description: 'The reference payment API (docs/sandbox.md)' },
  security: [{ bearer: [] }],
  paths: {
    '/v1/payments': {
      post: {
        operationId: 'create_payment', parameters: [idempotencyKey],
        requestBody: { required: true, content: json('CreatePayment') },
        responses: { '201': { description: 'Created', content: json('Payment') }, ...writeErrors },
      },
      get: {
        operationId: 'list_payments',
        parameters: [{ name: 'reference', in: 'query', required: false, schema: { type: 'string', maxLength: 255 } }],
        responses: { '200': { description: 'Payments, oldest first (at most 100)', content: json('PaymentList') }, '400': problem('Invalid reference') },
      },
    },
    '/v1/payments/{id}': {
      get: {
        operationId: 'get_payment', parameters: [paymentId],
        responses: { '200': { description: 'The payment', content: json('Payment') }, '404': problem('No such payment') },
      },
    },
    '/v1/payments/{id}/capture': { post: action('capture_payment', '200', 'Payment', 'AmountRequest') },
    '/v1/payments/{id}/refunds': { post: action('refund_payment', '201', 'Refund', 'AmountRequest') },
    '/v1/payments/{id}/cancel': { post: action('cancel_payment', '200', 'Payment') },
    '/v1/webhook_endpoints': {
      post: {
        operationId: 'create_webhook_endpoint', parameters: [idempotencyKey],
        requestBody: { required: true, content: json('WebhookEndpointCreate') },
        responses: { '201': { description: 'Registered; callbacks are signed per Standard Webhooks', content: json('WebhookEndpoint') }, ...writeErrors },
      },
    },
    '/v1/webhook_policy': {
      get: { operationId: 'get_webhook_policy', security: [], responses: { '200': { description: 'The retry policy callbacks follow', content: json('WebhookPolicy') } } },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer sk_test_…; each key is a merchant of its own' } },
    schemas: {
      CreatePayment: {
        type: 'object', required: ['amount', 'currency'],
        properties: {
          amount: minor,
          currency: { type: 'string', pattern: '^[A-Z]{3}$', example: 'EUR' },
          reference: { type: 'string', maxLength: 255, nullable: true },
          capture: { type: 'string', enum: ['automatic', 'manual'], default: 'automatic' },
        },
      },
      AmountRequest: { type: 'object', properties: { amount: { ...minor, description: 'Minor units; default: all that remains' } } },
      Payment: {
        type: 'object',
        required: ['id', 'status', 'amount', 'currency', 'amount_captured', 'amount_refunded', 'reference', 'created_at'],
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: ['requires_capture', 'succeeded', 'partially_refunded', 'refunded', 'canceled'] },
          amount: minor,
          currency: { type: 'string', example: 'EUR' },
          amount_captured: { type: 'integer' },
          amount_refunded: { type: 'integer' },
          reference: { type: 'string', nullable: true },
          created_at: { type: 'string', format: 'date-time' },
        },
      },
      PaymentList: { type: 'object', properties: { data: { type: 'array', items: ref('Payment') } } },
      Refund: {
        type: 'object',
        properties: {
          id: { type: 'string' }, payment_id: { type: 'string' }, amount: { type: 'integer' },
          status: { type: 'string', enum: ['succeeded'] }, created_at: { type: 'string', format: 'date-time' }, payment: ref('Payment'),
        },
      },
      WebhookEndpointCreate: {
        type: 'object', required: ['url'],
        properties: { url: { type: 'string', format: 'uri' }, events: { type: 'array', items: { type: 'string', enum: ['*', ...EVENT_TYPES] }, default: ['*'] } },
      },
      WebhookEndpoint: {
        type: 'object',
        properties: {
          id: { type: 'string' }, url: { type: 'string' }, events: { type: 'array', items: { type: 'string' } },
          secret: { type: 'string', description: 'Standard Webhooks signing secret (whsec_…)' },
        },
      },
      WebhookPolicy: {
        type: 'object',
        properties: {
          initial_interval_ms: { type: 'integer' }, multiplier: { type: 'number' }, max_interval_ms: { type: 'integer' }, jitter: { type: 'number' },
          max_attempts: { type: 'integer' }, honours_retry_after: { type: 'boolean' }, stop_on: { type: 'array', items: { type: 'integer' } }, time_scale: { type: 'number' },
        },
      },
      Problem: {
        type: 'object',
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' } },
      },
    },
  },
} as const;

/** Serves the document without an API key (it is not under /v1/), as FastAPI serves /openapi.json. */
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/openapi.json', async () => SANDBOX_OPENAPI);
}
