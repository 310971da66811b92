import { documentedEventTypes, draftEventKinds } from './openapi-event-kinds.js';
import { DraftBuilder, jsonContent, lastSegment, successSchema, typeOf, type Found } from './openapi-match.js';

/**
 * The webhooks section of a drafted profile: the registration operation and the secret's path can
 * be read from an OpenAPI document; the signature scheme, the callback paths and the retry promise
 * almost never can, so they are TODOs.
 */
export function draftWebhooks(b: DraftBuilder, all: Found[], draft: Record<string, unknown>): Record<string, unknown> | undefined {
  const register = all.find((f) => f.method === 'post' && /webhook|notification|callback/i.test(lastSegment(f.path)));
  if (!register) return undefined;
  const at = ['webhooks'];
  const body: Record<string, unknown> = {};
  const schema = jsonContent(register.op.requestBody?.content)?.schema;
  const url = b.property(schema, ['url', 'endpoint', 'endpoint_url'], /url/i);
  const events = b.property(schema, ['events', 'enabled_events', 'event_types'], /event/i);
  if (url) body[url] = '{url}';
  if (events) {
    body[events] = '{events}';
    if (typeOf(b.propertySchema(schema, events)) === 'string') {
      draft.placeholders = { ...(draft.placeholders as object), events: { join: ',' } };
      b.note(['placeholders'], `guessed: ${events} is one string, so the event list is comma-joined`);
    }
  }
  const secret = b.property(successSchema(b.doc, register.op), ['secret', 'signing_secret'], /secret/i);
  b.note([...at, 'register'], `guessed from POST ${register.path}`);
  b.note([...at, 'events'], 'all events; narrow it if the API wants a list');
  b.note([...at, 'toleranceSeconds'], 'a common choice (5 minutes): the oldest signature timestamp accepted');
  const eventKinds = draftEventKinds(b, documentedEventTypes(b, schema, events), at);
  return {
    register: { method: 'POST', path: register.path, body },
    secretPath: secret ? `$.${secret}` : b.todo([...at, 'secretPath'], 'JSON path of the signing secret in the registration answer'),
    signature: b.todo([...at, 'signature'], 'standard-webhooks, stripe, none, or an hmac scheme (docs/profiles.md#hmac-signatures)'),
    eventIdPath: b.todo([...at, 'eventIdPath'], 'JSON path of the event id in a callback'),
    eventTypePath: b.todo([...at, 'eventTypePath'], 'JSON path of the event type in a callback'),
    resourceIdPath: b.todo([...at, 'resourceIdPath'], 'JSON path of the payment id in a callback'),
    ...(eventKinds ? { eventKinds } : {}),
    events: ['*'],
    toleranceSeconds: 300,
    retryPolicy: b.todo([...at, 'retryPolicy'], 'the provider\'s promise: {initialIntervalMs, multiplier, maxIntervalMs, jitter, maxAttempts, honoursRetryAfter, stopOn}'),
  };
}

