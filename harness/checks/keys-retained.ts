import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, recordsOf, viewOf } from './history-view.js';
import { answerDifferences, changesBetween, describeReplayExchange, replayPairs, seconds } from './replay-answers.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import { keyWords } from '../profile/profile-words.js';

/** A replay counts as late from this long after its stored answer (option `minDelayMs`). */
export const DEFAULT_LATE_REPLAY_MS = 1_000;

function minDelayOf(options: Record<string, unknown> | undefined): number {
  const v = options?.minDelayMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_LATE_REPLAY_MS;
}

/**
 * A key keeps its stored answer for as long as the API retains it: a replay made long after the
 * first answer (at least `minDelayMs`, and inside the profile's `idempotency.retentionSeconds` when
 * declared) returns the stored status, id and fields, not a second execution. idempotent-replay
 * judges every replay; this check judges the late ones, so an API that forgets keys early is named
 * with the delay that exposed it, and a run without late replays is `unknown`, not a silent pass.
 */
export const keysRetained: Check = {
  name: 'keys-retained',
  description: 'a replay long after the first answer (within the declared retention) still returns the stored result',
  // A key's requests share a flow; the longest delay is the largest of any flow's, the minimum a setting.
  stream: { flows: true, stats: { longestDelayMs: 'max', minDelayMs: 'same' } },
  run(history, { profile, options }): CheckVerdict {
    const view = viewOf(history, profile);
    const minDelayMs = minDelayOf(options);
    const retentionMs = profile.idempotency.retentionSeconds !== undefined ? profile.idempotency.retentionSeconds * 1000 : Infinity;
    const retention = Number.isFinite(retentionMs) ? `inside the declared retention of ${profile.idempotency.retentionSeconds} s` : 'no retention declared';
    const witnesses: Witness[] = [];
    // Early replays and the pairs' own skips are idempotent-replay's to report; this check counts only late ones.
    const ignored = new NotJudgedTally();
    const skipped = new NotJudgedTally();
    let judged = 0;
    let longestMs = 0;
    for (const { key, stored, replay } of replayPairs(view, profile, ignored)) {
      const delayMs = replay.invoke.time - stored.complete!.time;
      if (delayMs < minDelayMs) continue;
      if (delayMs > retentionMs) {
        skipped.add('replayed after the declared retention');
        continue;
      }
      judged++;
      longestMs = Math.max(longestMs, delayMs);
      const differences = answerDifferences(profile, stored, replay);
      if (!differences.length || witnesses.length >= MAX_WITNESSES) continue;
      const changes = changesBetween(view, stored, replay);
      witnesses.push({
        summary: `${keyWords(profile, key, true)}, replayed ${seconds(delayMs)} after its stored answer (${retention}), was answered with `
          + `${differences.join(', ')}: ${describeReplayExchange(profile, stored)}; the replay ${describeReplayExchange(profile, replay)}`
          + `${changes.length ? `, after ${changes.join(', ')}` : ''}; a retained key must return its stored result.`,
        records: recordsOf(stored, replay),
      });
    }
    return verdictOf(this.name, {
      witnesses, judged, unit: 'late replays', notJudged: skipped, stats: { lateReplaysJudged: judged, longestDelayMs: longestMs, minDelayMs },
      nothingToJudge: `no key was replayed ${seconds(minDelayMs)} or more after its stored answer (schedule duplicates.lateReplays)`,
    });
  },
};
