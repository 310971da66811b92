import type { HttpToxicDefinition } from './types.js';

/** The lost response: forwards the request, lets the upstream finish, then resets the client's connection. */
export const httpDropResponse: HttpToxicDefinition = {
  layer: 'http',
  type: 'http_drop_response',
  summary: 'forward the request, then reset the client connection instead of answering',
  attributes: {},
  action: () => ({ kind: 'drop_response' }),
};
