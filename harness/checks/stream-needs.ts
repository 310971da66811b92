import type { Check, StreamNeed } from './types.js';

/**
 * What the checks that existed before streaming need, read from their code (a check may instead
 * say so itself with `Check.stream`, which wins). `flows` only for checks that look at one
 * idempotency key, payment or delivery at a time and use no fact of the whole run except the ones
 * a flow shard carries (the run record, the proxy's duplicate decisions for its keys, whether the
 * run listed references). Everything timing- or fault-window-based needs the whole history.
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
  'thresholds-met': { kinds: ['metrics'] },
};

/** What a streaming judgement hands `check`; a check nobody classified gets the whole history. */
export function streamNeedOf(check: Check): StreamNeed {
  return check.stream ?? KNOWN_NEEDS[check.name] ?? 'whole';
}
