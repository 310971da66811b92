import type { Check, CheckVerdict, Witness } from './types.js';
import { describeExchange, MAX_WITNESSES, payloadOf, recordsOf, repeatedKeys, viewOf } from './history-view.js';

/**
 * Same key, different payload must be rejected (422 in the IETF draft), never served. Judged only
 * when the original certainly reached the provider (it answered) before the changed request was sent.
 */
export const payloadMismatchRejected: Check = {
  name: 'payload-mismatch-rejected',
  description: 'a request reusing an idempotency key with a different payload is rejected, never executed or served',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const { mismatchStatus, inFlightStatus } = profile.idempotency;
    const witnesses: Witness[] = [];
    let judged = 0;
    let undecided = 0;
    for (const [key, exchanges] of repeatedKeys(view)) {
      const original = exchanges.find((ex) => ex.complete?.status !== undefined && ex.complete.status < 500);
      if (!original) continue;
      for (const ex of exchanges) {
        if (ex === original || payloadOf(view, ex) === payloadOf(view, original)) continue;
        const status = ex.complete?.status;
        if (status === undefined || ex.invoke.time < original.complete!.time) {
          undecided++;
          continue;
        }
        judged++;
        if (mismatchStatus.includes(status) || inFlightStatus.includes(status)) continue;
        if (status >= 200 && status < 300 && witnesses.length < MAX_WITNESSES) {
          witnesses.push({
            summary: `Idempotency key ${key} was reused with a different payload and the provider accepted it (${status}) instead of rejecting it with ${mismatchStatus.join('/')}: ${describeExchange(original)}, then ${describeExchange(ex)}.`,
            records: recordsOf(original, ex),
          });
        }
      }
    }
    const verdict = witnesses.length ? 'fail' : 'pass';
    return { name: this.name, verdict, witnesses, stats: { mismatchesJudged: judged, mismatchesUndecided: undecided } };
  },
};
