import { CHECK_NAMES } from '../checks/index.js';
import { FLOWS, type EXECUTORS } from './scenario-types.js';

/**
 * JSON Schemas of a load scenario. The top level and each executor are separate schemas: the
 * loader picks the executor's schema by its `executor` value, so an unknown executor gets one
 * clear "use one of" message instead of a oneOf error per branch.
 */
const duration = { type: 'string', minLength: 1 };
const positive = { type: 'number', exclusiveMinimum: 0 };
const count = { type: 'integer', minimum: 1 };
const fraction = { type: 'number', minimum: 0, maximum: 1 };
const flowNames = Object.keys(FLOWS);

const common = {
  executor: { type: 'string' },
  flows: {
    type: 'object',
    propertyNames: { enum: flowNames },
    additionalProperties: { type: 'number', minimum: 0 },
    minProperties: 1,
  },
  duplicates: {
    type: 'object',
    additionalProperties: false,
    properties: { concurrent: fraction, retry: fraction },
  },
  amount: {
    oneOf: [
      { type: 'integer', minimum: 1 },
      { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: count, max: count } },
    ],
  },
  startTime: duration,
  gracefulStop: duration,
  tags: { type: 'object', additionalProperties: { type: 'string' } },
} as const;

export const EXECUTOR_SCHEMAS = {
  'constant-arrival-rate': {
    type: 'object',
    additionalProperties: false,
    required: ['executor', 'rate', 'duration', 'preAllocatedVUs'],
    properties: { ...common, rate: positive, timeUnit: duration, duration, preAllocatedVUs: count, maxVUs: count },
  },
  'ramping-arrival-rate': {
    type: 'object',
    additionalProperties: false,
    required: ['executor', 'stages', 'preAllocatedVUs'],
    properties: {
      ...common,
      startRate: { type: 'number', minimum: 0 },
      timeUnit: duration,
      stages: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', additionalProperties: false, required: ['target', 'duration'], properties: { target: { type: 'number', minimum: 0 }, duration } },
      },
      preAllocatedVUs: count,
      maxVUs: count,
    },
  },
  'constant-vus': {
    type: 'object',
    additionalProperties: false,
    required: ['executor', 'vus', 'duration'],
    properties: { ...common, vus: count, duration },
  },
} as const satisfies Record<(typeof EXECUTORS)[number], object>;

const thresholdItem = {
  oneOf: [
    { type: 'string' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['threshold'],
      properties: { threshold: { type: 'string' }, abortOnFail: { type: 'boolean' }, delayAbortEval: duration },
    },
  ],
};

export const LOAD_SCENARIO_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'scenarios'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][\\w.-]*$' },
    description: { type: 'string' },
    profile: { type: 'string' },
    seed: { type: 'integer' },
    scenarios: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][\\w-]*$' },
      additionalProperties: {
        type: 'object',
        required: ['executor'],
        // The executor's value is checked by the loader, which then validates the entry against
        // that executor's schema (so one bad executor does not hide the other entries' problems).
        properties: { executor: { type: 'string' } },
      },
    },
    thresholds: { type: 'object', additionalProperties: { oneOf: [thresholdItem, { type: 'array', items: thresholdItem }] } },
    checks: {
      type: 'array',
      items: {
        oneOf: [
          { enum: [...CHECK_NAMES] },
          { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { enum: [...CHECK_NAMES] }, options: { type: 'object' } } },
        ],
      },
    },
    faults: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: {
          type: { type: 'string' },
          toxicity: fraction,
          stream: { enum: ['upstream', 'downstream'] },
          attributes: { type: 'object' },
        },
      },
    },
    expectedStatuses: {
      type: 'array',
      items: {
        oneOf: [
          { type: 'integer', minimum: 100, maximum: 599 },
          { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'integer' }, max: { type: 'integer' } } },
        ],
      },
    },
    summaryTrendStats: { type: 'array', items: { type: 'string', pattern: '^(avg|min|med|max|count|p\\(\\d+(\\.\\d+)?\\))$' } },
    finalReads: { enum: ['all', 'duplicates', 'none'] },
    finalReadsAfter: duration,
  },
} as const;
