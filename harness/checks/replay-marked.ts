import type { Check, CheckVerdict, Witness } from './types.js';
import type { Exchange } from './history-view.js';
import { forEachKey, MAX_WITNESSES, recordsOf, viewOf } from './history-view.js';
import { classifyAnswer } from '../profile/error-classes.js';
import { describeReplayExchange, mayMeetInFlight, notComparable, proxyDuplicatedKeys, replayPairs } from './replay-answers.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import { keyWords } from '../profile/profile-words.js';

/** The marker's value when present; "false", "0" and "no" say "not a replay" in words some APIs send on first answers. */
function markerOf(ex: Exchange, header: string): string | undefined {
  const value = ex.complete?.headers?.[header];
  return value === undefined || /^(false|0|no)$/i.test(value.trim()) ? undefined : value;
}

/**
 * When the profile declares a replay header (`idempotency.replayedHeader`), it tells the client which
 * answers came from the store: every replay of a stored answer carries it, and no first answer does.
 * A first answer is judged only when nothing else with its key could have run first (no concurrent
 * copy, no proxy duplicate); a replay of a stored validation error is not judged (many APIs never
 * store those, so the repeat runs afresh).
 */
export const replayMarked: Check = {
  name: 'replay-marked',
  description: 'every replayed answer carries the declared replay header, and no first answer does',
  inapplicable(profile) {
    return profile.idempotency.replayedHeader ? undefined : 'the profile declares no idempotency.replayedHeader';
  },
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const declared = profile.idempotency.replayedHeader;
    const header = declared?.toLowerCase() ?? '';
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let replays = 0;
    let firsts = 0;
    const witness = (summary: string, ...exchanges: Exchange[]): void => {
      if (witnesses.length < MAX_WITNESSES) witnesses.push({ summary, records: recordsOf(...exchanges) });
    };
    for (const { key, stored, replay } of replayPairs(view, profile, skipped)) {
      const s = stored.complete!;
      if (s.status! >= 400 && classifyAnswer(profile, s.status!, s.body) === 'validation') {
        skipped.add('replay of a stored validation error (APIs need not store those)');
        continue;
      }
      // Sent before the stored answer came back, either request may be the one that ran: which one must be marked is unknown.
      if (replay.invoke.time < s.time) {
        skipped.add('repeat sent while the first was in flight (either may have run)');
        continue;
      }
      replays++;
      if (markerOf(replay, header) !== undefined) continue;
      witness(`The replay ${describeReplayExchange(profile, replay)} carried no ${declared} header, though ${keyWords(profile, key)} already had a stored `
        + `answer: ${describeReplayExchange(profile, stored)}; every replayed answer must be marked.`, stored, replay);
    }
    const duplicated = proxyDuplicatedKeys(view);
    forEachKey(view, (key, exchanges) => {
      const first = exchanges[0]!;
      const dup = duplicated.has(key);
      if (notComparable(profile, first, () => mayMeetInFlight(exchanges, 0, dup))) {
        skipped.add('first answer lost, in flight or not stored');
        return;
      }
      if (mayMeetInFlight(exchanges, 0, dup)) {
        skipped.add('first request met another with its key (it may not be the one that ran)');
        return;
      }
      firsts++;
      const marker = markerOf(first, header);
      if (marker === undefined) return;
      witness(`The first answer to ${keyWords(profile, key)}, ${describeReplayExchange(profile, first)}, carried ${declared}: ${marker}, though no earlier `
        + `request with that key was sent; only replays may be marked.`, first);
    });
    return verdictOf(this.name, {
      witnesses, judged: replays + firsts, unit: 'answers', notJudged: skipped, stats: { replaysJudged: replays, firstAnswersJudged: firsts },
      nothingToJudge: 'no first answer or replay had an answer to judge',
    });
  },
};
