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
/** A dependency link's name, as faults write it in `proxy:`. */
const DEPENDENCY_NAME = '^[a-z][a-z0-9_-]{0,39}$';
/** host:port (a name, IPv4, or [IPv6]) with an explicit port. */
const HOST_PORT = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$';

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
      dependencies: {
        type: 'object',
        additionalProperties: false,
        patternProperties: {
          [DEPENDENCY_NAME]: {
            type: 'object', additionalProperties: false, required: ['upstream', 'listen'],
            properties: { upstream: { type: 'string', pattern: HOST_PORT }, listen: { type: 'string', pattern: HOST_PORT } },
          },
        },
      },
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
          endOfFlowReplays: { type: 'object', additionalProperties: false, required: ['probability'], properties: { probability: { type: 'number', minimum: 0, maximum: 1 } } },
          lateReplays: { type: 'object', additionalProperties: false, required: ['probability', 'afterMs'], properties: { probability: { type: 'number', minimum: 0, maximum: 1 }, afterMs: positive, retentionShare: { type: 'number', exclusiveMinimum: 0, maximum: 0.9 } } },
        },
      },
      faults: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
            type: { enum: FAULTS.map((f) => f.type) },
            // api, callbacks, provider (crash), or a dependency the scenario declares (checked after the schema).
            proxy: { type: 'string', pattern: DEPENDENCY_NAME },
            stream: { enum: ['upstream', 'downstream'] },
            toxicity: { type: 'number', minimum: 0, maximum: 1 },
            attributes: { type: 'object' },
            startMs: positive,
            healMs: positive,
          },
          // Every fault names where it applies, except a crash (it acts on the provider's process).
          allOf: [...faultBranches, { if: { properties: { type: { not: { const: 'crash' } } } }, then: { required: ['proxy'] } }],
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
            eventTypes: {
              type: 'array', items: { type: 'string' },
              description: 'events the rule applies to: abstract kinds (created, authorized, captured, canceled, refunded, failed) the profile maps in webhooks.eventKinds, or the API\'s own event type names',
            },
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
