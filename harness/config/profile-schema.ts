/** JSON Schema of an API profile (harness/config/profile-types.ts); ajv validates profile YAML against it. */

const AMOUNT_KINDS = ['minor', 'decimal-string', 'decimal-number', 'object'] as const;

const amountEncoding = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { enum: AMOUNT_KINDS },
    value: { enum: AMOUNT_KINDS.filter((k) => k !== 'object') },
    valueField: { type: 'string', minLength: 1 },
    currencyField: { type: 'string', minLength: 1 },
  },
} as const;

const operation = {
  type: 'object',
  additionalProperties: false,
  required: ['method', 'path'],
  properties: {
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    path: { type: 'string', pattern: '^/' },
    body: { type: 'object' },
    query: { type: 'object', additionalProperties: { type: 'string' } },
    successStatus: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 } },
    amountFormat: amountEncoding,
  },
} as const;

const jsonPath = { type: 'string', pattern: '^\\$' } as const;
const statuses = { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 } } as const;

const amountFormat = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    ...amountEncoding.properties,
    exponents: { type: 'object', additionalProperties: { type: 'integer', minimum: 0, maximum: 4 } },
    fields: {
      type: 'object',
      additionalProperties: false,
      properties: { amount: amountEncoding, amountCaptured: amountEncoding, amountRefunded: amountEncoding },
    },
  },
} as const;

const placeholder = {
  type: 'object',
  additionalProperties: false,
  properties: { map: { type: 'object' }, case: { enum: ['lower', 'upper'] }, join: { type: 'string' } },
} as const;

const errorRule = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'class'],
  properties: {
    status: { type: ['integer', 'array'], minimum: 100, maximum: 599, items: { type: 'integer', minimum: 100, maximum: 599 } },
    codePath: jsonPath,
    code: { type: ['string', 'array'], items: { type: 'string' } },
    class: { enum: ['in-flight', 'mismatch', 'invalid-state', 'not-found', 'validation'] },
  },
} as const;

/** Where a signed value (timestamp, id) is found: a header, a payload field, or a part of the signature header. */
const deliveryValue = {
  type: 'object',
  additionalProperties: false,
  required: ['in'],
  properties: {
    in: { enum: ['header', 'payload', 'signature'] },
    name: { type: 'string', minLength: 1 },
    path: jsonPath,
    prefix: { type: 'string', minLength: 1 },
    unit: { enum: ['seconds', 'milliseconds', 'iso8601'] },
  },
  allOf: [
    { if: { properties: { in: { const: 'header' } } }, then: { required: ['name'] } },
    { if: { properties: { in: { const: 'payload' } } }, then: { required: ['path'] } },
    { if: { properties: { in: { const: 'signature' } } }, then: { required: ['prefix'] } },
  ],
} as const;

const hmacSignature = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'header'],
  properties: {
    kind: { enum: ['hmac'] },
    header: { type: 'string', minLength: 1 },
    prefix: { type: 'string' },
    separator: { type: 'string', minLength: 1 },
    content: { type: 'string', minLength: 1 },
    timestamp: deliveryValue,
    id: deliveryValue,
    algorithm: { enum: ['sha1', 'sha256', 'sha512'] },
    encoding: { enum: ['hex', 'base64'] },
    secretEncoding: { enum: ['utf8', 'base64', 'hex'] },
    secretPrefix: { type: 'string', minLength: 1 },
  },
} as const;

/** Where the refunded total comes from: the payment's field, a refund list per payment, or refund answers. */
const refundLedger = {
  type: 'object',
  additionalProperties: false,
  required: ['source'],
  properties: {
    source: { enum: ['field', 'list', 'answers'] },
    list: operation,
    items: jsonPath,
    amount: jsonPath,
    status: jsonPath,
    counted: { type: 'array', items: { type: 'string' }, minItems: 1 },
  },
  allOf: [
    { if: { properties: { source: { const: 'list' } } }, then: { required: ['list', 'items', 'amount'] } },
    { if: { properties: { source: { const: 'answers' } } }, then: { required: ['amount'] } },
    { if: { required: ['status'] }, then: { required: ['counted'] } },
  ],
} as const;

export const EVENT_KINDS = ['created', 'authorized', 'captured', 'canceled', 'refunded', 'failed'] as const;

const eventTypeNames = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] } as const;

const RETRY_POLICY_REQUIRED = ['initialIntervalMs', 'multiplier', 'maxIntervalMs', 'jitter', 'maxAttempts'] as const;

const RETRY_POLICY_PROPERTIES = {
  initialIntervalMs: { type: 'number', minimum: 0 },
  multiplier: { type: 'number', minimum: 1 },
  maxIntervalMs: { type: 'number', minimum: 0 },
  jitter: { type: 'number', minimum: 0, maximum: 1 },
  maxAttempts: { type: 'integer', minimum: 1 },
  honoursRetryAfter: { type: 'boolean' },
  retryAfterStatuses: statuses,
  stopOn: statuses,
  timeScale: { type: 'number', exclusiveMinimum: 0 },
  attemptTimeoutMs: { type: 'number', exclusiveMinimum: 0 },
} as const;

/** A complete retry policy (what a policy read from an endpoint must amount to). */
export const RETRY_POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: RETRY_POLICY_REQUIRED,
  properties: RETRY_POLICY_PROPERTIES,
} as const;

/** `from`: the policy endpoint and a JSON path per key it publishes. */
const retryPolicySource = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'fields'],
  properties: {
    path: { type: 'string', pattern: '^/(?![/\\\\])' },
    fields: { type: 'object', additionalProperties: false, minProperties: 1, properties: Object.fromEntries(Object.keys(RETRY_POLICY_PROPERTIES).map((k) => [k, jsonPath])) },
  },
} as const;

/** In a profile: a complete policy, or `from` an endpoint with any keys beside it (they win). */
const retryPolicyInProfile = {
  type: 'object',
  additionalProperties: false,
  properties: { ...RETRY_POLICY_PROPERTIES, from: retryPolicySource },
  if: { not: { required: ['from'] } },
  then: { required: RETRY_POLICY_REQUIRED },
} as const;

export const PROFILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'encoding', 'headers', 'idempotency', 'operations', 'fields', 'lifecycle', 'currency'],
  properties: {
    /** `extends: sandbox` starts from the built-in profile and overrides what the file gives. */
    extends: { enum: ['sandbox'] },
    name: { type: 'string', minLength: 1 },
    basePath: { type: 'string', pattern: '^/(?![/\\\\])' },
    encoding: { enum: ['json', 'form'] },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    merchants: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9_-]+$' },
      additionalProperties: {
        type: 'object', additionalProperties: false, required: ['headers'],
        properties: { headers: { type: 'object', additionalProperties: { type: 'string' } } },
      },
    },
    idempotency: {
      type: 'object',
      additionalProperties: false,
      required: ['in', 'name', 'required'],
      properties: {
        in: { enum: ['header', 'body'] },
        name: { type: 'string', minLength: 1 },
        required: { type: 'boolean' },
        mismatchStatus: statuses,
        inFlightStatus: statuses,
        replayedHeader: { type: 'string' },
        retentionSeconds: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    operations: {
      type: 'object',
      additionalProperties: false,
      required: ['create', 'get'],
      properties: { create: operation, get: operation, capture: operation, refund: operation, cancel: operation, list: operation },
    },
    fields: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'status', 'amount'],
      properties: {
        id: jsonPath, status: jsonPath, amount: jsonPath, amountCaptured: jsonPath, amountRefunded: jsonPath,
        currency: jsonPath, reference: jsonPath, listItems: jsonPath, refundPayment: jsonPath,
      },
    },
    lifecycle: {
      type: 'object',
      additionalProperties: false,
      required: ['initial', 'transitions', 'terminal'],
      properties: {
        initial: { type: 'array', items: { type: 'string' }, minItems: 1 },
        transitions: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        terminal: { type: 'array', items: { type: 'string' } },
      },
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    amountFormat,
    placeholders: { type: 'object', additionalProperties: placeholder },
    errors: { type: 'array', items: errorRule },
    webhooks: {
      type: 'object',
      additionalProperties: false,
      required: ['register', 'secretPath', 'signature', 'eventIdPath', 'eventTypePath', 'resourceIdPath', 'events', 'retryPolicy', 'toleranceSeconds'],
      properties: {
        register: operation,
        secretPath: jsonPath,
        signature: { anyOf: [{ enum: ['standard-webhooks', 'stripe', 'none'] }, hmacSignature] },
        eventIdPath: jsonPath,
        eventTypePath: jsonPath,
        resourceIdPath: jsonPath,
        resourceStatusPath: jsonPath,
        events: { type: 'array', items: { type: 'string' }, minItems: 1 },
        eventKinds: { type: 'object', additionalProperties: false, properties: Object.fromEntries(EVENT_KINDS.map((k) => [k, eventTypeNames])) },
        eventTypes: {
          type: 'object',
          additionalProperties: {
            type: 'object', additionalProperties: false, required: ['resourceIdPath'], properties: { resourceIdPath: jsonPath, resourceStatusPath: jsonPath },
          },
        },
        retryPolicy: retryPolicyInProfile,
        toleranceSeconds: { type: 'number', minimum: 0 },
      },
    },
    refundLedger,
    providerStatesPath: { type: 'string', pattern: '^/' },
  },
} as const;
