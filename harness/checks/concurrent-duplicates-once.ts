import type { Check, CheckVerdict, Witness } from './types.js';
import { idempotencyKeyWords, keyWords } from '../profile/profile-words.js';
import { exchangesIn, MAX_WITNESSES, repeatedKeys, viewOf, type Exchange } from './history-view.js';
import { effectCount, effectsUnseen, keyEffects } from './effects.js';
import { moneyRange } from './money-range.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';

/** Two requests with one key and payload were in flight at the same time (or a fault duplicated one upstream). */
function wasConcurrent(exchanges: readonly Exchange[], duplicatedKeys: Set<string>, key: string): boolean {
  if (duplicatedKeys.has(key)) return true;
  if (exchanges.some((ex) => ex.invoke.intent === 'concurrent-copy')) return true;
  const sorted = [...exchanges].sort((a, b) => a.invoke.time - b.invoke.time);
  let openUntil = -Infinity;
  for (const ex of sorted) {
    if (ex.invoke.time < openUntil) return true;
    openUntil = Math.max(openUntil, ex.complete?.time ?? Infinity);
  }
  return false;
}

/** Same key sent concurrently (client copies or proxy duplicates): executed at most once. */
export const concurrentDuplicatesOnce: Check = {
  name: 'concurrent-duplicates-once',
  description: 'concurrent copies of one request (same idempotency key) execute at most once',
  describe: (profile) => `concurrent copies of one request (same ${idempotencyKeyWords(profile)}) execute at most once`,
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const duplicatedKeys = new Set<string>();
    for (const d of view.decisions) if (d.action === 'duplicate' && d.idempotencyKey) duplicatedKeys.add(d.idempotencyKey);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let groups = 0;
    // Payments whose refunds were sent concurrently: a double refund shows in their final amounts.
    const concurrentResources = new Set<string>();
    // Only keys sent more than once, plus keys the proxy duplicated upstream, can have concurrent copies.
    const candidates: [string, Exchange[]][] = [...repeatedKeys(view)];
    for (const key of duplicatedKeys) {
      const id = view.keys.find(key);
      if (id >= 0 && view.byKey.size(id) === 1) candidates.push([key, exchangesIn(view, view.byKey, id)]);
    }
    for (const [key, exchanges] of candidates) {
      if (!wasConcurrent(exchanges, duplicatedKeys, key)) continue;
      const unseen = effectsUnseen(view, exchanges);
      if (unseen) {
        skipped.add(unseen);
        continue;
      }
      groups++;
      const resource = exchanges[0]!.invoke.resourceId;
      if (exchanges[0]!.invoke.op !== 'create' && resource !== undefined) concurrentResources.add(resource);
      if (effectCount(view, exchanges) > 1 && witnesses.length < MAX_WITNESSES) {
        const effects = keyEffects(view, exchanges);
        const dup = view.decisions.find((d) => d.action === 'duplicate' && d.idempotencyKey === key);
        witnesses.push({
          summary: `Concurrent copies of one ${exchanges[0]!.invoke.op} with ${keyWords(profile, key)} executed ${effects.count} times (${effects.resourceIds.join(', ')}); they must execute once.`,
          records: [...(dup ? [dup] : []), ...effects.evidence],
        });
      }
    }
    const refunds = moneyRange(view, concurrentResources);
    skipped.addAll(refunds.notJudged);
    for (const problem of refunds.problems) {
      if (witnesses.length >= MAX_WITNESSES) break;
      witnesses.push(problem);
    }
    return verdictOf(this.name, {
      witnesses, judged: groups, unit: 'concurrent groups', notJudged: skipped,
      stats: { concurrentGroups: groups, refundTotalsJudged: refunds.judged },
      nothingToJudge: 'no idempotency key was in flight twice at once (no concurrent copy, overlap or proxy duplicate)',
    });
  },
};
