import type { TcpToxicDefinition } from './types.js';

/** Does nothing; Toxiproxy has it too (useful to test the API and toxicity). */
export const noop: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'noop',
  summary: 'pass data through unchanged',
  attributes: {},
  createStage(env) {
    return { onChunk: (data) => env.push(data) };
  },
};
