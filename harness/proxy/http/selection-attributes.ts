import type { AttributeSpec } from '../toxics/types.js';

/** Per-request selection shared by every http_* toxic; all criteria given must hold (AND). */
export const SELECTION_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  first: { kind: 'int', min: 1, description: 'select only the first N matching requests (arrival order)' },
  every: { kind: 'int', min: 1, description: 'select every Kth matching request (K, 2K, …; arrival order)' },
  window: { kind: 'window', description: '{from_ms, to_ms}: select requests arriving in this window after the toxic was created' },
  probability: {
    kind: 'number',
    min: 0,
    max: 1,
    description: 'select with this probability: keyed requests by a hash of seed, scope and identity; keyless ones in arrival order',
  },
  method: { kind: 'string', description: 'only requests with this method (case-insensitive)' },
  path: { kind: 'string', description: 'only requests whose path matches this glob (* matches anything); a ?name=value part also requires those query parameters (values are globs, any order)' },
  key_header: { kind: 'string', default: 'Idempotency-Key', description: 'header the request\'s key is read from (recorded in events)' },
  key_path: {
    kind: 'string',
    description: 'where the key is in the body when no key_header is sent: a JSON path ($.idempotency_key) for JSON bodies, a form field name (metadata[key]) for form bodies',
  },
  key_prefix: { kind: 'string', description: 'stripped from the key before a decision is drawn, so runs that share a seed share decisions' },
  first_per_key: { kind: 'int', min: 1, description: 'select only the first N requests of each key (needs a key)' },
  seed: { kind: 'int', min: 0, description: 'seed of this toxic\'s decisions (default: the server\'s --seed)' },
  scope: { kind: 'string', description: 'name decisions are drawn under (default: the toxic\'s name)' },
};
