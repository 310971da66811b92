import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { paymentSchema } from './payment.js';
import { refundSchema } from './refund.js';
import { paymentListSchema } from './payment-list.js';
import { problemSchema } from './problem.js';
import { eventSchema } from './event.js';
import { webhookHeadersSchema } from './webhook-headers.js';

/**
 * The JSON Schemas of the sandbox API's payloads, shared by the Pact consumer tests (the examples
 * they promise must be valid) and by the chaos checks that validate live responses.
 */
export const SCHEMAS = {
  payment: paymentSchema,
  refund: refundSchema,
  paymentList: paymentListSchema,
  problem: problemSchema,
  event: eventSchema,
  webhookHeaders: webhookHeadersSchema,
} as const;

export type SchemaName = keyof typeof SCHEMAS;

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

let compiled: Map<SchemaName, ValidateFunction> | undefined;

function validators(): Map<SchemaName, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  rememberDateTimes(ajv);
  for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema as object);
  compiled = new Map(Object.entries(SCHEMAS).map(([name, schema]) => [name as SchemaName, ajv.getSchema(schema.$id)!]));
  return compiled;
}

/**
 * The date-time format check is a pure function of the string and the costliest part of validating
 * an answer; a run's answers repeat each payment's `created_at`, so recent results are remembered.
 */
function rememberDateTimes(ajv: Ajv2020): void {
  const format = ajv.formats['date-time'] as { validate: (value: string) => boolean; compare?: (a: string, b: string) => number | undefined };
  const known = new Map<string, boolean>();
  const validate = (value: string): boolean => {
    let valid = known.get(value);
    if (valid === undefined) {
      if (known.size >= 10_000) known.clear();
      valid = format.validate(value);
      known.set(value, valid);
    }
    return valid;
  };
  ajv.addFormat('date-time', format.compare ? { validate, compare: format.compare } : { validate });
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Validates a payload; returns every problem at once (empty when valid), e.g. `/amount must be integer`. */
export function schemaProblems(name: SchemaName, value: unknown): string[] {
  const validate = validators().get(name)!;
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}
