import type { Check, CheckVerdict, Witness } from './types.js';
import { idempotencyKeyWords, keyWords } from '../profile/profile-words.js';
import { describeExchange, MAX_WITNESSES, payloadOf, recordsOf, repeatedKeys, viewOf, type Exchange } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';

/**
 * Same key, different payload must be rejected (422 in the IETF draft), never served. Judged only
 * when the original (the first request sent with the key) certainly reached the provider (it
 * answered) before the changed request was sent.
 */
export const payloadMismatchRejected: Check = {
  name: 'payload-mismatch-rejected',
  description: 'a request reusing an idempotency key with a different payload is rejected, never executed or served',
  describe: (profile) => `a request reusing an idempotency key (${idempotencyKeyWords(profile)}) with a different payload is rejected `
    + `(${profile.idempotency.mismatchStatus.join('/')}), never executed or served`,
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const { mismatchStatus, inFlightStatus } = profile.idempotency;
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let judged = 0;
    for (const [key, exchanges] of repeatedKeys(view)) {
      // The first request sent defines the original payload; its answer is the first one that reached the provider.
      const originalPayload = payloadOf(view, exchanges[0]!);
      const sameAsOriginal = (ex: Exchange): boolean => payloadOf(view, ex) === originalPayload;
      const original = exchanges.find((ex) => sameAsOriginal(ex) && ex.complete?.status !== undefined && ex.complete.status < 500);
      if (!original) {
        skipped.add('original answer unknown', exchanges.filter((ex) => !sameAsOriginal(ex)).length);
        continue;
      }
      for (const ex of exchanges) {
        if (sameAsOriginal(ex)) continue;
        const status = ex.complete?.status;
        if (status === undefined) {
          skipped.add('changed request got no answer');
          continue;
        }
        if (ex.invoke.time < original.complete!.time) {
          skipped.add("sent before the original's answer arrived");
          continue;
        }
        judged++;
        if (mismatchStatus.includes(status) || inFlightStatus.includes(status)) continue;
        if (status >= 200 && status < 300 && witnesses.length < MAX_WITNESSES) {
          witnesses.push({
            summary: `${keyWords(profile, key, true)} was reused with a different payload and the provider accepted it (${status}) instead of rejecting it with ${mismatchStatus.join('/')}: ${describeExchange(original)}, then ${describeExchange(ex)}.`,
            records: recordsOf(original, ex),
          });
        }
      }
    }
    const undecided = skipped.list().reduce((n, s) => n + s.count, 0);
    return verdictOf(this.name, {
      witnesses, judged, unit: 'changed payloads', notJudged: skipped, stats: { mismatchesJudged: judged, mismatchesUndecided: undecided },
      nothingToJudge: 'no idempotency key was reused with a different payload after its original was answered',
    });
  },
};
