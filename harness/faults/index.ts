import { TOXICS, attributeSpecs } from '../proxy/toxics/index.js';
import type { FaultDefinition } from './types.js';
import { down } from './down.js';
import { crash } from './crash.js';

/**
 * Every fault a scenario may name. Toxics come from the embedded proxy's registry (so a new toxic
 * file is a new fault), plus proxy-level faults such as `down`. `chaos list` and the scenario schema
 * are generated from this list.
 */
export const FAULTS: readonly FaultDefinition[] = [
  ...TOXICS.filter((t) => t.type !== 'noop').map((t): FaultDefinition => ({
    type: t.type,
    layer: t.layer,
    summary: t.summary,
    attributes: attributeSpecs(t),
  })),
  down,
  crash,
];

export const FAULT_TYPES: readonly string[] = FAULTS.map((f) => f.type);

export function findFault(type: string): FaultDefinition | undefined {
  return FAULTS.find((f) => f.type === type);
}

export type { FaultDefinition, FaultAttribute } from './types.js';
