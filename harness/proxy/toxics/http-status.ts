import type { HttpToxicDefinition } from './types.js';

/** Answers a status of its own (e.g. 503 or 429 with Retry-After), after forwarding or instead of it. */
export const httpStatus: HttpToxicDefinition = {
  layer: 'http',
  type: 'http_status',
  summary: 'answer status (with Retry-After), forwarding the request first or not',
  attributes: {
    status: { kind: 'int', required: true, min: 100, max: 599, description: 'HTTP status to answer' },
    retry_after: { kind: 'header', description: 'Retry-After value (seconds or an HTTP date)' },
    forward: { kind: 'boolean', default: false, description: 'send the request upstream first (its response is discarded)' },
    body: { kind: 'string', description: 'response body (default: a JSON problem naming the status)' },
  },
  action: (a) => ({
    kind: 'status',
    status: a.status as number,
    retryAfter: a.retry_after === undefined ? undefined : String(a.retry_after),
    forward: a.forward as boolean,
    body: a.body as string | undefined,
  }),
};
