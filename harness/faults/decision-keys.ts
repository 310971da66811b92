import type { ApiProfile } from '../config/profile-types.js';

/** What decides how an http_* toxic keys and seeds its per-request decisions. */
export interface DecisionContext {
  /** The API's profile: where the idempotency key and the callback event id are. Absent → proxy defaults. */
  profile?: ApiProfile;
  /** The run seed; absent → the proxy server's own seed. */
  seed?: number;
  runId: string;
  scenarioIndex: number;
  faultName: string;
  path: 'api' | 'callbacks';
  /** The proxy's upstream base path (`/api/v2`); a `path` filter is written relative to it. */
  basePath?: string;
}

/**
 * Where the request's key is, as http_* selection attributes (key_header / key_path). On the API
 * path: the profile's idempotency key (a header of any name, or a body field). On the callback
 * path: the event id in the payload, and the `webhook-id` header that Standard Webhooks sends
 * (the proxy prefers the header when a request carries it).
 */
function keyLocation(profile: ApiProfile | undefined, path: 'api' | 'callbacks'): Record<string, string> {
  if (path === 'callbacks') {
    const webhooks = profile?.webhooks;
    if (!webhooks) return { key_header: 'webhook-id' };
    return {
      key_path: webhooks.eventIdPath,
      ...(webhooks.signature === 'standard-webhooks' ? { key_header: 'webhook-id' } : {}),
    };
  }
  if (!profile) return {};
  const { idempotency, encoding } = profile;
  if (idempotency.in === 'header') return { key_header: idempotency.name };
  // buildRequest puts a body key at the top level: a JSON member, or a form field of that name.
  return { key_path: encoding === 'form' ? idempotency.name : `$.${idempotency.name}` };
}

/** The proxy takes a non-negative integer seed; anything else leaves the server's seed in charge. */
const isSeed = (seed: number | undefined): seed is number => seed !== undefined && Number.isSafeInteger(seed) && seed >= 0;

/**
 * The attributes the nemesis adds to an http_* toxic so that a decision is a pure function of the
 * seed, the fault and the request's key: the same seed replays the same decisions at any
 * concurrency and in any run. The scope leaves out the run id and `key_prefix` strips it from
 * keys (the workload's keys are `<runId>-<logicalId>`). What the scenario set explicitly wins;
 * a scenario that names a key location (key_header or key_path) keeps exactly that location.
 */
export function decisionAttributes(context: DecisionContext, explicit: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const namesKey = explicit.key_header !== undefined || explicit.key_path !== undefined;
  const derived: Record<string, unknown> = {
    ...(namesKey ? {} : keyLocation(context.profile, context.path)),
    key_prefix: `${context.runId}-`,
    scope: `${context.scenarioIndex}-${context.faultName}`,
    ...(isSeed(context.seed) ? { seed: context.seed } : {}),
  };
  const attributes = { ...derived, ...explicit };
  // A scenario's `path` filter names the profile's paths; the proxy sees them under the base path.
  if (context.basePath && typeof attributes.path === 'string' && attributes.path.startsWith('/')) attributes.path = `${context.basePath}${attributes.path}`;
  return attributes;
}
