import type { Check, CheckVerdict, Witness } from './types.js';
import { canonical, describeExchange, MAX_WITNESSES, payloadOf, recordsOf, repeatedKeys, viewOf, type Exchange } from './history-view.js';

/** Statuses a repeat may legitimately answer differently: in flight (409) and server errors that are never stored. */
function comparable(ex: Exchange, inFlight: readonly number[], mismatch: readonly number[]): boolean {
  const status = ex.complete?.status;
  return status !== undefined && status < 500 && !inFlight.includes(status) && !mismatch.includes(status) && status !== 429;
}

/**
 * A repeat of a completed request with the same key returns the stored result: same status, same
 * resource id, same body. Stored errors count too. Only requests with an identical payload are compared.
 */
export const idempotentReplay: Check = {
  name: 'idempotent-replay',
  description: 'a repeated request with the same idempotency key and payload returns the stored result (same status, id and body)',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const { inFlightStatus, mismatchStatus } = profile.idempotency;
    const witnesses: Witness[] = [];
    let compared = 0;
    for (const [key, exchanges] of repeatedKeys(view)) {
      const firstByPayload = new Map<string, Exchange>();
      for (const ex of exchanges) {
        if (!comparable(ex, inFlightStatus, mismatchStatus)) continue;
        const payload = payloadOf(view, ex);
        const first = firstByPayload.get(payload);
        if (!first) {
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
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { replaysCompared: compared } };
  },
};
