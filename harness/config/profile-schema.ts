/** JSON Schema of an API profile (harness/config/profile-types.ts); ajv validates profile YAML against it. */

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
  },
} as const;

const jsonPath = { type: 'string', pattern: '^\\$' } as const;
const statuses = { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 } } as const;

export const RETRY_POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['initialIntervalMs', 'multiplier', 'maxIntervalMs', 'jitter', 'maxAttempts'],
  properties: {
    initialIntervalMs: { type: 'number', minimum: 0 },
    multiplier: { type: 'number', minimum: 1 },
    maxIntervalMs: { type: 'number', minimum: 0 },
    jitter: { type: 'number', minimum: 0, maximum: 1 },
    maxAttempts: { type: 'integer', minimum: 1 },
    honoursRetryAfter: { type: 'boolean' },
    stopOn: statuses,
    timeScale: { type: 'number', exclusiveMinimum: 0 },
    attemptTimeoutMs: { type: 'number', exclusiveMinimum: 0 },
  },
} as const;

export const PROFILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'encoding', 'headers', 'idempotency', 'operations', 'fields', 'lifecycle', 'currency'],
  properties: {
    /** `extends: sandbox` starts from the built-in profile and overrides what the file gives. */
    extends: { enum: ['sandbox'] },
    name: { type: 'string', minLength: 1 },
    encoding: { enum: ['json', 'form'] },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    idempotency: {
      type: 'object',
      additionalProperties: false,
      required: ['in', 'name', 'required', 'mismatchStatus', 'inFlightStatus'],
      properties: {
        in: { enum: ['header', 'body'] },
        name: { type: 'string', minLength: 1 },
        required: { type: 'boolean' },
        mismatchStatus: statuses,
        inFlightStatus: statuses,
        replayedHeader: { type: 'string' },
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
    webhooks: {
      type: 'object',
      additionalProperties: false,
      required: ['register', 'secretPath', 'signature', 'eventIdPath', 'eventTypePath', 'resourceIdPath', 'events', 'retryPolicy', 'toleranceSeconds'],
      properties: {
        register: operation,
        secretPath: jsonPath,
        signature: { enum: ['standard-webhooks', 'stripe', 'none'] },
        eventIdPath: jsonPath,
        eventTypePath: jsonPath,
        resourceIdPath: jsonPath,
        resourceStatusPath: jsonPath,
        events: { type: 'array', items: { type: 'string' }, minItems: 1 },
        retryPolicy: RETRY_POLICY_SCHEMA,
        toleranceSeconds: { type: 'number', minimum: 0 },
      },
    },
    providerStatesPath: { type: 'string', pattern: '^/' },
  },
} as const;
