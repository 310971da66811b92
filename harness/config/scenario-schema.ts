import { CHECKS } from '../checks/index.js';
import { FAULTS, type FaultAttribute } from '../faults/index.js';
import { FLOW_NAMES } from './scenario-types.js';

/** The JSON Schema of one fault attribute (load scenarios validate theirs with it too). */
export function attributeSchema(a: FaultAttribute): Record<string, unknown> {
  const bounds = { ...(a.min !== undefined ? { minimum: a.min } : {}), ...(a.max !== undefined ? { maximum: a.max } : {}) };
  switch (a.kind) {
    case 'int': return { type: 'integer', ...bounds, description: a.description };
    case 'number': return { type: 'number', ...bounds, description: a.description };
    case 'boolean': return { type: 'boolean', description: a.description };
    case 'header': return { type: ['integer', 'string'], description: a.description };
    case 'window':
      return { type: 'object', additionalProperties: false, required: ['from_ms', 'to_ms'], properties: { from_ms: { type: 'number', minimum: 0 }, to_ms: { type: 'number', minimum: 0 } }, description: a.description };
    default: return a.oneOf ? { enum: [...a.oneOf], description: a.description } : { type: 'string', description: a.description };
  }
}

const positive = { type: 'number', minimum: 0 } as const;

/** The scenario JSON Schema, generated from the fault and check registries (never written twice). */
export function scenarioSchema(): Record<string, unknown> {
  const faultBranches = FAULTS.map((f) => ({
    if: { properties: { type: { const: f.type } }, required: ['type'] },
    then: {
      properties: {
        attributes: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(Object.entries(f.attributes).map(([k, a]) => [k, attributeSchema(a)])),
          required: Object.entries(f.attributes).filter(([, a]) => a.required).map(([k]) => k),
        },
      },
      ...(Object.values(f.attributes).some((a) => a.required) ? { required: ['attributes'] } : {}),
    },
  }));
  const checkNames = CHECKS.map((c) => c.name);
  return {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'workload', 'checks'],
    properties: {
      name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
      description: { type: 'string' },
      profile: { type: 'string' },
      settleMs: positive,
      sandbox: {
        type: 'object',
        additionalProperties: false,
        properties: { failRate: { type: 'number', minimum: 0, maximum: 1 } },
      },
      workload: {
        type: 'object',
        additionalProperties: false,
        required: ['flows'],
        properties: {
          flows: { type: 'integer', minimum: 1, maximum: 100000 },
          durationMs: positive,
          concurrency: { type: 'integer', minimum: 1, maximum: 1000 },
          mix: { type: 'object', additionalProperties: false, minProperties: 1, properties: Object.fromEntries(FLOW_NAMES.map((n) => [n, positive])) },
          amount: { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'integer', minimum: 1 }, max: { type: 'integer', minimum: 1 } } },
          client: {
            type: 'object',
            additionalProperties: false,
            properties: {
              timeoutMs: { type: 'number', minimum: 1 },
              retry: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  attempts: { type: 'integer', minimum: 1, maximum: 20 },
                  backoffMs: positive,
                  multiplier: { type: 'number', minimum: 1 },
                  on: { type: 'array', items: { enum: ['timeout', 'reset', '5xx', '409', '429'] } },
                },
              },
            },
          },
        },
      },
      duplicates: {
        type: 'object',
        additionalProperties: false,
        properties: {
          concurrentCopies: { type: 'object', additionalProperties: false, required: ['probability'], properties: { probability: { type: 'number', minimum: 0, maximum: 1 }, copies: { type: 'integer', minimum: 1, maximum: 10 } } },
          delayedReplays: { type: 'object', additionalProperties: false, required: ['probability'], properties: { probability: { type: 'number', minimum: 0, maximum: 1 }, delayMs: positive } },
          payloadChange: { type: 'object', additionalProperties: false, required: ['probability'], properties: { probability: { type: 'number', minimum: 0, maximum: 1 } } },
        },
      },
      faults: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'proxy'],
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
            type: { enum: FAULTS.map((f) => f.type) },
            proxy: { enum: ['api', 'callbacks'] },
            stream: { enum: ['upstream', 'downstream'] },
            toxicity: { type: 'number', minimum: 0, maximum: 1 },
            attributes: { type: 'object' },
            startMs: positive,
            healMs: positive,
          },
          allOf: faultBranches,
        },
      },
      webhookReceiver: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['status'],
          properties: {
            status: { type: 'integer', minimum: 200, maximum: 599 },
            first: { type: 'integer', minimum: 1 },
            per: { enum: ['event', 'scenario'] },
            eventTypes: { type: 'array', items: { type: 'string' } },
            retryAfterSeconds: positive,
            delayMs: positive,
          },
        },
      },
      checks: {
        type: 'array',
        minItems: 1,
        // if/then rather than oneOf so a misspelt name gives one error, not one per branch.
        items: {
          if: { type: 'string' },
          then: { enum: checkNames },
          else: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { enum: checkNames }, options: { type: 'object' } } },
        },
      },
    },
  };
}
