import type { Check, CheckVerdict, Witness } from './types.js';
import { idempotencyKeyWords, keyWords } from '../profile/profile-words.js';
import { describeExchange, forEachKey, isInfo, isSuccess, MAX_WITNESSES, recordsOf, referenceCountOf, viewOf } from './history-view.js';
import { effectCount, effectsUnseen, keyEffects } from './effects.js';
import { moneyRange } from './money-range.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';

/**
 * Exactly-once, per idempotency key: at most one effect; a request the provider acknowledged has
 * exactly one; a key whose requests all ended `info` (lost, timed out) may have zero or one.
 */
export const exactlyOnce: Check = {
  name: 'exactly-once',
  description: 'every idempotency key took effect at most once; acknowledged requests exactly once; info (unknown) outcomes zero or one',
  describe: (profile) => `every idempotency key (${idempotencyKeyWords(profile)}) took effect at most once; acknowledged requests exactly once; `
    + 'info (unknown) outcomes zero or one',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let keys = 0;
    let infoKeys = 0;
    forEachKey(view, (key, exchanges) => {
      const op = exchanges[0]!.invoke.op;
      if (op === 'get' || op === 'list' || op === 'registerWebhook') return;
      const unseen = effectsUnseen(view, exchanges);
      if (unseen) {
        skipped.add(unseen);
        return;
      }
      keys++;
      const count = effectCount(view, exchanges);
      const acknowledged = exchanges.find(isSuccess);
      if (!acknowledged && exchanges.some(isInfo)) infoKeys++;
      if (count > 1) {
        if (witnesses.length < MAX_WITNESSES) {
          const effects = keyEffects(view, exchanges);
          witnesses.push({
            summary: `${keyWords(profile, key, true)} (${op}) took effect ${effects.count} times: ${effects.resourceIds.join(', ')}; a key may take effect at most once.`,
            records: [...recordsOf(...exchanges.filter((ex) => ex.complete?.resourceId !== undefined).slice(0, 2)), ...effects.evidence],
          });
        }
      } else if (acknowledged && count === 0 && op === 'create' && witnesses.length < MAX_WITNESSES) {
        // Only its own listing can say it does not exist (a run that listed other payments says nothing about this one).
        const listing = referenceCountOf(view, acknowledged.invoke.logicalId);
        if (listing) {
          const after = Math.round(listing.time - acknowledged.complete!.time);
          witnesses.push({
            summary: `The provider acknowledged ${describeExchange(acknowledged)} but no payment exists for its reference in the listing made ${after} ms after that answer.`,
            records: [...recordsOf(acknowledged), listing],
          });
        }
      }
    });
    const refunds = moneyRange(view);
    for (const problem of refunds.problems) {
      if (witnesses.length >= MAX_WITNESSES) break;
      witnesses.push(problem);
    }
    skipped.addAll(refunds.notJudged);
    return verdictOf(this.name, {
      witnesses, judged: keys, unit: 'keys', notJudged: skipped,
      stats: { keys, infoOnlyKeys: infoKeys, refundTotalsJudged: refunds.judged },
      nothingToJudge: 'no write was sent with an idempotency key whose effects could be counted',
    });
  },
};
