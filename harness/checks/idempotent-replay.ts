import type { Check, CheckVerdict, Witness } from './types.js';
import { idempotencyKeyWords, keyWords } from '../profile/profile-words.js';
import { MAX_WITNESSES, recordsOf, viewOf } from './history-view.js';
import { answerDifferences, changesBetween, describeReplayExchange, replayPairs } from './replay-answers.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';

/**
 * A repeat of a completed request with the same key returns the stored result: same status, same
 * resource id, same profile-mapped fields (amounts in minor units) and body; a stored error comes
 * back with the same error class and code. Only requests with an identical payload are compared; a
 * repeat is judged when an earlier request with that payload has a comparable answer. A replay sent
 * after later writes changed the payment shows an API that re-renders the current resource.
 */
export const idempotentReplay: Check = {
  name: 'idempotent-replay',
  description: 'a repeated request with the same idempotency key and payload returns the stored result (same status, id and body; errors: same class and code)',
  describe: (profile) => `a repeated request with the same idempotency key (${idempotencyKeyWords(profile)}) and payload returns the stored result (same status, id and body; errors: same class and code)`,
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let compared = 0;
    let errorsCompared = 0;
    for (const { key, stored, replay } of replayPairs(view, profile, skipped)) {
      compared++;
      if (stored.complete!.status! >= 400) errorsCompared++;
      const differences = answerDifferences(profile, stored, replay);
      if (!differences.length || witnesses.length >= MAX_WITNESSES) continue;
      const changes = changesBetween(view, stored, replay);
      const after = changes.length ? `, after ${changes.join(', ')} changed the payment` : '';
      witnesses.push({
        summary: `${keyWords(profile, key, true)} was answered with ${differences.join(', ')}: ${describeReplayExchange(profile, stored)}; `
          + `the repeat ${describeReplayExchange(profile, replay)}${after}; a replay must return the stored result.`,
        records: recordsOf(stored, replay),
      });
    }
    return verdictOf(this.name, {
      witnesses, judged: compared, unit: 'replays', notJudged: skipped, stats: { replaysCompared: compared, storedErrorsCompared: errorsCompared },
      nothingToJudge: 'no key was sent twice with a stored answer to compare against',
    });
  },
};
