import type { HttpToxicDefinition } from './types.js';

/** Holds a selected request before forwarding it, or its response before answering. */
export const httpDelay: HttpToxicDefinition = {
  layer: 'http',
  type: 'http_delay',
  summary: 'hold the request (phase request) or its response (phase response) for delay_ms',
  attributes: {
    delay_ms: { kind: 'int', required: true, min: 0, description: 'milliseconds to hold' },
    phase: { kind: 'string', default: 'request', oneOf: ['request', 'response'], description: 'what to hold' },
  },
  action: (a) => ({ kind: 'delay', delayMs: a.delay_ms as number, phase: a.phase as 'request' | 'response' }),
};
