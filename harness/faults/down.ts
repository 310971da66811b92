import type { FaultDefinition } from './types.js';

/** Toxiproxy's "down": not a toxic but the proxy disabled (connections refused) until healed. */
export const down: FaultDefinition = {
  type: 'down',
  layer: 'proxy',
  summary: 'disable the proxy: new connections are refused until the fault heals',
  attributes: {},
};
