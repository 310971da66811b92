import type { Check, CheckVerdict, Witness } from './types.js';
import { idempotencyKeyWords } from '../profile/profile-words.js';
import type { ApiProfile } from '../config/profile-types.js';
import { classifyAnswer } from '../profile/error-classes.js';
import { canonical, describeExchange, MAX_WITNESSES, payloadOf, recordsOf, repeatedKeys, viewOf, type Exchange } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';

/**
 * Whether another request with the key may have been in flight while `exchanges[i]` was: one sent
 * before it was answered and not answered before it was sent (or never answered: a lost answer may
 * hide a request still running), or the proxy sent a copy of the key upstream. Later requests count
 * too: a concurrent copy sent first may meet the original that was sent a moment after it.
 */
function mayMeetInFlight(exchanges: readonly Exchange[], i: number, duplicated: boolean): boolean {
  if (duplicated) return true;
  const ex = exchanges[i]!;
  const sentAt = ex.invoke.time;
  const answeredAt = ex.complete?.time ?? Infinity;
  for (let j = 0; j < exchanges.length; j++) {
    if (j === i) continue;
    const other = exchanges[j]!;
    const c = other.complete;
    const otherDone = !c || c.status === undefined ? Infinity : c.time;
    if (other.invoke.time < answeredAt && otherDone > sentAt) return true;
  }
  return false;
}

/**
 * Why an answer cannot stand for the stored result, or undefined when it can: no status (lost,
 * timed out), in flight (409 while another request with the key may have been running; a 409 with
 * nothing in flight is a stored state error), rejected as a mismatch, or a server error / 429,
 * which are never stored.
 */
function notComparable(profile: ApiProfile, ex: Exchange, couldBeInFlight: () => boolean): string | undefined {
  const status = ex.complete?.status;
  if (status === undefined) return 'no status';
  // The profile's error rules tell an "in flight" 409 from a stored state error where the status alone cannot.
  const cls = classifyAnswer(profile, status, ex.complete!.body);
  if (cls === 'in-flight' && couldBeInFlight()) return 'in flight';
  if (cls === 'mismatch') return 'rejected as a payload mismatch';
  if (status >= 500 || status === 429) return 'server error or 429, never stored';
  return undefined;
}

/**
 * A repeat of a completed request with the same key returns the stored result: same status, same
 * resource id, same body. Stored errors count too. Only requests with an identical payload are
 * compared; a repeat is judged when an earlier request with that payload has a comparable answer.
 */
export const idempotentReplay: Check = {
  name: 'idempotent-replay',
  description: 'a repeated request with the same idempotency key and payload returns the stored result (same status, id and body)',
  describe: (profile) => `a repeated request with the same idempotency key (${idempotencyKeyWords(profile)}) and payload returns the stored result (same status, id and body)`,
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let compared = 0;
    const duplicatedKeys = new Set<string>();
    for (const d of view.decisions) if (d.action === 'duplicate' && d.idempotencyKey) duplicatedKeys.add(d.idempotencyKey);
    for (const [key, exchanges] of repeatedKeys(view)) {
      // Per payload: the first comparable answer (the stored result) and whether the payload was sent before.
      const firstByPayload = new Map<string, Exchange | null>();
      for (let i = 0; i < exchanges.length; i++) {
        const ex = exchanges[i]!;
        const payload = payloadOf(view, ex);
        const seen = firstByPayload.has(payload);
        const first = firstByPayload.get(payload) ?? undefined;
        const why = notComparable(profile, ex, () => mayMeetInFlight(exchanges, i, duplicatedKeys.has(key)));
        if (why) {
          if (seen) skipped.add(`repeat's answer not comparable (${why})`);
          else firstByPayload.set(payload, null);
          continue;
        }
        if (!first) {
          if (seen) skipped.add('first answer lost or not stored (nothing to compare)');
          firstByPayload.set(payload, ex);
          continue;
        }
        compared++;
        const a = first.complete!;
        const b = ex.complete!;
        const differences: string[] = [];
        if (a.status !== b.status) differences.push(`status ${a.status} then ${b.status}`);
        if (a.resourceId !== b.resourceId) differences.push(`id ${a.resourceId ?? '(none)'} then ${b.resourceId ?? '(none)'}`);
        if (differences.length === 0 && canonical(a.body) !== canonical(b.body)) differences.push('a different body');
        if (differences.length && witnesses.length < MAX_WITNESSES) {
          witnesses.push({
            summary: `Idempotency key ${key} was answered with ${differences.join(', ')}: ${describeExchange(first)}, ${describeExchange(ex)}; a replay must return the stored result.`,
            records: recordsOf(first, ex),
          });
        }
        if (differences.length && witnesses.length >= MAX_WITNESSES) break;
      }
    }
    return verdictOf(this.name, {
      witnesses, judged: compared, unit: 'replays', notJudged: skipped, stats: { replaysCompared: compared },
      nothingToJudge: 'no key was sent twice with a stored answer to compare against',
    });
  },
};
