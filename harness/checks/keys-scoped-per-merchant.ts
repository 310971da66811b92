import type { OperationComplete, OperationInvoke } from '../history/types.js';
import type { Check, CheckVerdict, Witness } from './types.js';
import { describeExchange, MAX_WITNESSES, payloadOf, recordsOf, viewOf, type Exchange, type HistoryView } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import { classifyAnswer } from '../profile/error-classes.js';
import { DEFAULT_MERCHANT, merchantNames } from '../profile/merchants.js';
import { keyWords } from '../profile/profile-words.js';

/** Every exchange that carried `key`, per merchant, in the order they were sent. */
type ByMerchant = Map<string, Exchange[]>;

/**
 * Keys sent under two or more merchants. Without a `merchant` on any request one merchant sent them
 * all, and the answer is known without indexing every key (most runs: this check then costs one scan).
 */
function sharedKeys(view: HistoryView): Set<string> {
  const shared = new Set<string>();
  if (!view.anyMerchant) return shared;
  const firstMerchant = new Map<string, string>();
  for (const r of view.history) {
    if (r.kind !== 'invoke' || r.idempotencyKey === undefined) continue;
    const merchant = r.merchant ?? DEFAULT_MERCHANT;
    const first = firstMerchant.get(r.idempotencyKey);
    if (first === undefined) firstMerchant.set(r.idempotencyKey, merchant);
    else if (first !== merchant) shared.add(r.idempotencyKey);
  }
  return shared;
}

function keysOfSeveralMerchants(view: HistoryView): Map<string, ByMerchant> {
  const byKey = new Map<string, ByMerchant>();
  const shared = sharedKeys(view);
  if (shared.size === 0) return byKey;
  const opened = new Map<number, Exchange>();
  for (const r of view.history) {
    if (r.kind === 'invoke' && r.idempotencyKey !== undefined) {
      if (!shared.has(r.idempotencyKey)) {
        opened.delete(r.opId);
        continue;
      }
      const ex: Exchange = { invoke: r };
      opened.set(r.opId, ex);
      const merchants = byKey.get(r.idempotencyKey) ?? new Map<string, Exchange[]>();
      byKey.set(r.idempotencyKey, merchants);
      const merchant = r.merchant ?? DEFAULT_MERCHANT;
      merchants.set(merchant, [...(merchants.get(merchant) ?? []), ex]);
    } else if (r.kind === 'complete') {
      const ex = opened.get(r.opId);
      if (ex) ex.complete = r as OperationComplete;
    }
  }
  for (const [key, merchants] of byKey) if (merchants.size < 2) byKey.delete(key);
  return byKey;
}

const answered = (ex: Exchange): boolean => ex.complete?.status !== undefined;

/** True when the answer carries the profile's replay marker with a value that does not deny it. */
function markedReplay(view: HistoryView, ex: Exchange): boolean {
  const header = view.profile.idempotency.replayedHeader?.toLowerCase();
  const value = header ? ex.complete?.headers?.[header] : undefined;
  return value !== undefined && !/^(false|0|no)$/i.test(value.trim());
}

const who = (invoke: OperationInvoke): string => `merchant ${invoke.merchant ?? DEFAULT_MERCHANT}`;

/**
 * One idempotency key sent by two merchants is two keys: each merchant's requests get results of
 * their own. A merchant must never receive a resource another merchant's request with that key
 * produced, never be told its own unchanged request reuses the key with another payload (the other
 * merchant's was compared), and never get a replay marker on the first request it sent with the key.
 */
export const keysScopedPerMerchant: Check = {
  name: 'keys-scoped-per-merchant',
  description: 'an idempotency key sent by two merchants gives two independent results: neither receives the other\'s stored answer or resource',
  inapplicable(profile) {
    const names = merchantNames(profile);
    return names.length < 2 ? `the profile declares one merchant (${names.join(', ')}); add a second under merchants:` : undefined;
  },
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    const witness = (summary: string, ...exchanges: Exchange[]): void => {
      if (witnesses.length < MAX_WITNESSES) witnesses.push({ summary, records: recordsOf(...exchanges) });
    };
    let judged = 0;
    for (const [key, merchants] of keysOfSeveralMerchants(view)) {
      const heard = [...merchants.values()].filter((exchanges) => exchanges.some(answered));
      if (heard.length < 2) {
        skipped.add('fewer than two merchants got an answer (requests lost or unanswered)');
        continue;
      }
      judged++;
      // Which merchant's request first answered with each resource.
      const owner = new Map<string, Exchange>();
      const all = [...merchants.values()].flat().filter((ex) => ex.complete?.outcome === 'ok' && ex.complete.resourceId !== undefined);
      all.sort((a, b) => a.complete!.time - b.complete!.time);
      for (const ex of all) {
        const id = ex.complete!.resourceId!;
        const first = owner.get(id);
        if (!first) owner.set(id, ex);
        else if ((first.invoke.merchant ?? DEFAULT_MERCHANT) !== (ex.invoke.merchant ?? DEFAULT_MERCHANT)) {
          const amount = ex.invoke.amount !== undefined ? ` (${ex.invoke.amount} minor units)` : '';
          witness(`${keyWords(profile, key, true)} was sent by two merchants${amount} and ${who(ex.invoke)} received ${id}, the resource ${who(first.invoke)}'s request created: `
            + `${who(first.invoke)}: ${describeExchange(first)}; ${who(ex.invoke)}: ${describeExchange(ex)}.`, first, ex);
        }
      }
      for (const exchanges of merchants.values()) {
        const own = new Set(exchanges.map((ex) => payloadOf(view, ex)));
        const firstSent = exchanges[0]!;
        for (const ex of exchanges.filter(answered)) {
          const { status, body } = ex.complete!;
          if (own.size === 1 && classifyAnswer(profile, status!, body) === 'mismatch') {
            witness(`${who(ex.invoke)} sent ${keyWords(profile, key)} with one payload only, yet was refused as reusing it with another (${status}): `
              + `another merchant's request with that key was compared: ${describeExchange(ex)}.`, ex);
          }
        }
        if (answered(firstSent) && markedReplay(view, firstSent)) {
          witness(`The first request ${who(firstSent.invoke)} sent with ${keyWords(profile, key)} was answered as a replay: it received a stored answer of another merchant: ${describeExchange(firstSent)}.`, firstSent);
        }
      }
    }
    return verdictOf(this.name, {
      witnesses, judged, unit: 'keys shared by merchants', notJudged: skipped, stats: { sharedKeysJudged: judged },
      nothingToJudge: 'no idempotency key was sent by two merchants that both got an answer (run the merchant-key-scope flow)',
    });
  },
};
