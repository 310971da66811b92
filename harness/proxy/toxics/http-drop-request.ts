import type { HttpToxicDefinition } from './types.js';

/** Never forwards the request; the client's connection is reset. */
export const httpDropRequest: HttpToxicDefinition = {
  layer: 'http',
  type: 'http_drop_request',
  summary: 'reset the client connection without forwarding the request',
  attributes: {},
  action: () => ({ kind: 'drop_request' }),
};
