import type { HttpToxicDefinition } from './types.js';

/** Sends a selected request upstream `copies` extra times; the client sees the original's response. */
export const httpDuplicate: HttpToxicDefinition = {
  layer: 'http',
  type: 'http_duplicate',
  summary: 'send the request upstream copies extra times (delay_ms after the original; 0 = concurrently)',
  attributes: {
    copies: { kind: 'int', default: 1, min: 1, max: 100, description: 'extra copies sent upstream' },
    delay_ms: { kind: 'int', default: 0, min: 0, description: 'milliseconds between the original and each copy' },
  },
  action: (a) => ({ kind: 'duplicate', copies: a.copies as number, delayMs: a.delay_ms as number }),
};
