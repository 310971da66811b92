import { Ajv, type ValidateFunction } from 'ajv';
import type { FaultSpec } from '../config/scenario-types.js';
import { attributeSchema } from '../config/scenario-schema.js';
import { suggest } from '../config/located-yaml.js';
import { FAULT_TYPES, findFault, type FaultDefinition } from '../faults/index.js';
import type { LoadFault } from './scenario-types.js';

/**
 * A load scenario's `faults:` in the chaos vocabulary: the same fault registry (so `down` works and
 * the proxy-internal `noop` does not), applied by the same Nemesis on the run's `api` proxy for the
 * whole load, healed with everything else when the run ends.
 */
export function loadFaultSpecs(faults: readonly LoadFault[] = []): FaultSpec[] {
  return faults.map((fault, i) => ({
    name: `${fault.type}-${i}`,
    type: fault.type,
    proxy: 'api',
    startMs: 0,
    ...(fault.stream ? { stream: fault.stream } : {}),
    ...(fault.toxicity !== undefined ? { toxicity: fault.toxicity } : {}),
    ...(fault.attributes ? { attributes: fault.attributes } : {}),
  }));
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

function attributesValidator(fault: FaultDefinition): ValidateFunction {
  let validate = validators.get(fault.type);
  if (!validate) {
    validate = ajv.compile({
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(fault.attributes).map(([k, a]) => [k, attributeSchema(a)])),
      required: Object.entries(fault.attributes).filter(([, a]) => a.required).map(([k]) => k),
    });
    validators.set(fault.type, validate);
  }
  return validate;
}

/**
 * Validates a load scenario's faults against the fault registry chaos scenarios use: the type,
 * then its attributes (names, kinds, bounds, required ones). `at` turns a JSON pointer into file:line:col.
 */
export function loadFaultProblems(faults: readonly LoadFault[] = [], at: (pointer: string) => string): string[] {
  const problems: string[] = [];
  faults.forEach((fault, i) => {
    const definition = findFault(fault.type);
    if (!definition) {
      problems.push(`${at(`/faults/${i}/type`)}: unknown fault type "${fault.type}" (hint: ${suggest(fault.type, FAULT_TYPES)}use one of: ${FAULT_TYPES.join(', ')})`);
      return;
    }
    if (definition.layer === 'process') {
      // A load run does not start the provider, so it has no process to crash.
      problems.push(`${at(`/faults/${i}/type`)}: ${fault.type} needs a provider payharness started (chaos run --target-command); a load run cannot apply it`);
      return;
    }
    const validate = attributesValidator(definition);
    if (validate(fault.attributes ?? {})) return;
    for (const e of validate.errors ?? []) {
      const where = at(`/faults/${i}/attributes${e.instancePath}`);
      if (e.keyword === 'additionalProperties') {
        const known = Object.keys(definition.attributes);
        problems.push(`${where}: ${fault.type} has no attribute "${String(e.params.additionalProperty)}" (hint: ${known.length ? `its attributes: ${known.join(', ')}` : 'it takes no attributes'})`);
      } else if (e.keyword === 'required') {
        problems.push(`${where}: ${fault.type} needs attribute "${String(e.params.missingProperty)}" (hint: payharness chaos list shows every fault's attributes)`);
      } else {
        problems.push(`${where}: ${fault.type} attribute ${e.instancePath.slice(1) || ''} ${e.message ?? 'is invalid'}`.replace(/ {2,}/g, ' '));
      }
    }
  });
  return problems;
}
