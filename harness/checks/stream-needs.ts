import type { Check, FlowNeed, StreamNeed } from './types.js';

/**
 * What the checks that existed before streaming need, read from their code (a check may instead
 * say so itself with `Check.stream`, which wins: keys-retained and events-match-payments do, for
 * the figures and run-wide requests they need). `flows` only for checks that look at one
 * idempotency key, payment or delivery at a time and use no fact of the whole run except the ones
 * a flow shard carries (the run record, the proxy's duplicate decisions for its keys, whether the
 * run listed references). A key shared by merchants is one flow (its records all carry `k:<key>`),
 * so keys-scoped-per-merchant sees every merchant's requests with it.
 *
 * The whole history, and why:
 * - callbacks-delivered, retry-schedule: whether an event was abandoned or retried late is judged
 *   against the end of the run (how long it watched) and the scheduling lag measured after the event,
 *   up to that end; a flow settles long before the run ends.
 * - retries-keep-event-id: the callback proxy's decisions are keyed by the event id, so they land in
 *   a `k:` flow apart from the event's deliveries (`e:`); judged per flow, an event would lose the
 *   attempts a fault dropped. (Streams once stream-flows.ts links a keyed decision to `e:<key>` too.)
 * - forbidden-writes-refused, racing-writes-consistent: which operations move a payment, and which a
 *   state keeps, is learnt from every answer of the run (payment-writes.ts) before any write is judged.
 */
const KNOWN_NEEDS: Readonly<Record<string, StreamNeed>> = {
  'exactly-once': 'flows',
  'concurrent-duplicates-once': 'flows',
  'idempotent-replay': 'flows',
  'payload-mismatch-rejected': 'flows',
  'money-invariants': 'flows',
  'lifecycle-transitions': 'flows',
  'signatures-valid': 'flows',
  'responses-match-schema': 'flows',
  'replay-marked': 'flows',
  'keys-scoped-per-merchant': 'flows',
  'thresholds-met': { kinds: ['metrics'] },
};

/** What a streaming judgement hands `check`; a check nobody classified gets the whole history. */
export function streamNeedOf(check: Check): StreamNeed {
  return check.stream ?? KNOWN_NEEDS[check.name] ?? 'whole';
}

/** The need of a check judged flow by flow, as a FlowNeed; undefined for checks that need kinds or the whole history. */
export function flowNeedOf(check: Check): FlowNeed | undefined {
  const need = streamNeedOf(check);
  if (need === 'flows') return { flows: true };
  return typeof need === 'object' && 'flows' in need ? need : undefined;
}
