import { badBody, missingField } from './api-error.js';
import type { AttributeSpec, AttributeValue, Attributes } from './toxics/types.js';

const describe = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value));

function checkValue(type: string, name: string, spec: AttributeSpec, value: unknown): AttributeValue {
  const where = `attribute ${name} of ${type}`;
  const range = (n: number): void => {
    if (spec.min !== undefined && n < spec.min) throw badBody(`${where} must be ≥ ${spec.min}, got ${n}`);
    if (spec.max !== undefined && n > spec.max) throw badBody(`${where} must be ≤ ${spec.max}, got ${n}`);
  };
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badBody(`${where} must be an integer, got ${describe(value)}`);
      range(value);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw badBody(`${where} must be a number, got ${describe(value)}`);
      range(value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw badBody(`${where} must be true or false, got ${describe(value)}`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw badBody(`${where} must be a string, got ${describe(value)}`);
      if (spec.oneOf && !spec.oneOf.includes(value)) throw badBody(`${where} must be one of ${spec.oneOf.join(', ')}, got ${describe(value)}`);
      return value;
    case 'header':
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
      if (typeof value === 'string' && value.length > 0 && !/[\r\n]/.test(value)) return value;
      throw badBody(`${where} must be whole seconds or an HTTP date, got ${describe(value)}`);
    case 'window': {
      const w = value as { from_ms?: unknown; to_ms?: unknown } | null;
      const keys = w && typeof w === 'object' && !Array.isArray(w) ? Object.keys(w) : null;
      const ok =
        keys !== null &&
        keys.every((k) => k === 'from_ms' || k === 'to_ms') &&
        typeof w?.from_ms === 'number' && typeof w.to_ms === 'number' &&
        Number.isSafeInteger(w.from_ms) && Number.isSafeInteger(w.to_ms) && w.from_ms >= 0 && w.to_ms > w.from_ms;
      if (!ok) throw badBody(`${where} must be {"from_ms": A, "to_ms": B} with integers 0 ≤ A < B, got ${describe(value)}`);
      return { from_ms: w!.from_ms as number, to_ms: w!.to_ms as number };
    }
  }
}

/**
 * Validates a toxic's `attributes` object against its specs, on top of `base` (defaults on create,
 * the current values on update). Unknown names and wrong types are 400s: Toxiproxy silently ignores a
 * misspelt attribute, which turns a typo into a fault that never happens.
 */
export function resolveAttributes(
  type: string,
  specs: Readonly<Record<string, AttributeSpec>>,
  input: unknown,
  base: Attributes | undefined,
): Attributes {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
    throw badBody(`attributes must be a JSON object, got ${describe(input)}`);
  }
  const given = (input ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs);
      throw badBody(`unknown attribute ${name} for toxic type ${type}${known.length ? ` (known: ${known.join(', ')})` : ' (it takes none)'}`);
    }
  }
  const result: Record<string, AttributeValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = Object.hasOwn(given, name) && given[name] !== null ? checkValue(type, name, spec, given[name]) : (base ?? {})[name] ?? spec.default;
    if (value === undefined) {
      if (spec.required) throw missingField(`attributes.${name}`);
      continue;
    }
    result[name] = value;
  }
  return result;
}
