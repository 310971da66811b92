import type { ApiProfile } from './profile-types.js';

/**
 * What the harness expects of the sandbox's webhook retries at time scale 1: the promise, stated here
 * independently of the sandbox's own policy (sandbox/webhooks/policy.ts, served at `GET
 * /v1/webhook_policy`); a test compares the two.
 */
export const SANDBOX_RETRY_POLICY = {
  initialIntervalMs: 1_000,
  multiplier: 2,
  maxIntervalMs: 60_000,
  jitter: 0.1,
  maxAttempts: 6,
  honoursRetryAfter: true,
  stopOn: [410],
  timeScale: 1,
  attemptTimeoutMs: 2_000,
} as const;

/** The built-in profile for the embedded sandbox (`payharness sandbox`). */
export const SANDBOX_PROFILE: ApiProfile = {
  name: 'sandbox',
  encoding: 'json',
  headers: { Authorization: 'Bearer sk_test_payharness' },
  // Every API key is a merchant of its own in the sandbox: a second one for the key-scope property.
  merchants: { second: { headers: { Authorization: 'Bearer sk_test_payharness_second' } } },
  idempotency: {
    in: 'header',
    name: 'Idempotency-Key',
    required: true,
    mismatchStatus: [422],
    inFlightStatus: [409],
    replayedHeader: 'Idempotent-Replayed',
    // The sandbox's default (DEFAULT_IDEMPOTENCY_RETENTION_MS): 24 hours.
    retentionSeconds: 86_400,
  },
  // One 409 status, two meanings: told apart by the problem's code.
  errors: [
    { status: 409, codePath: '$.code', code: 'idempotency_key_in_use', class: 'in-flight' },
    { status: 409, codePath: '$.code', code: 'invalid_state', class: 'invalid-state' },
    { status: 422, codePath: '$.code', code: 'idempotency_key_reused', class: 'mismatch' },
    { status: 404, class: 'not-found' },
    { status: 400, class: 'validation' },
  ],
  operations: {
    create: {
      method: 'POST',
      path: '/v1/payments',
      body: { amount: '{amount}', currency: '{currency}', reference: '{reference}', capture: '{captureMode}' },
    },
    get: { method: 'GET', path: '/v1/payments/{id}' },
    capture: { method: 'POST', path: '/v1/payments/{id}/capture', body: { amount: '{amount}' } },
    refund: { method: 'POST', path: '/v1/payments/{id}/refunds', body: { amount: '{amount}' } },
    cancel: { method: 'POST', path: '/v1/payments/{id}/cancel' },
    list: { method: 'GET', path: '/v1/payments', query: { reference: '{reference}' } },
  },
  fields: {
    id: '$.id',
    status: '$.status',
    amount: '$.amount',
    amountCaptured: '$.amount_captured',
    amountRefunded: '$.amount_refunded',
    currency: '$.currency',
    reference: '$.reference',
    listItems: '$.data',
    refundPayment: '$.payment',
  },
  lifecycle: {
    initial: ['requires_capture', 'succeeded'],
    transitions: {
      requires_capture: ['succeeded', 'canceled'],
      succeeded: ['partially_refunded', 'refunded'],
      partially_refunded: ['partially_refunded', 'refunded'],
    },
    terminal: ['refunded', 'canceled'],
  },
  currency: 'EUR',
  webhooks: {
    register: {
      method: 'POST',
      path: '/v1/webhook_endpoints',
      body: { url: '{url}', events: '{events}' },
    },
    secretPath: '$.secret',
    signature: 'standard-webhooks',
    eventIdPath: '$.id',
    eventTypePath: '$.type',
    resourceIdPath: '$.data.object.id',
    resourceStatusPath: '$.data.object.status',
    events: ['*'],
    // The sandbox has no separate authorization or failure events: a manual payment's creation is its authorization.
    eventKinds: { created: 'payment.created', captured: 'payment.captured', canceled: 'payment.canceled', refunded: 'payment.refunded' },
    retryPolicy: { ...SANDBOX_RETRY_POLICY, stopOn: [...SANDBOX_RETRY_POLICY.stopOn] },
    toleranceSeconds: 300,
  },
  providerStatesPath: '/_pact/provider-states',
};
