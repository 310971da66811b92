import type { PaymentOperation } from '../history/types.js';
import type { LifecycleSpec } from '../config/profile-types.js';
import type { HistoryRecord } from '../history/types.js';
import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, exchangeAt, recordsOf, viewOf, type HistoryView } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import {
  at, learnEffects, learnKeeps, mayHaveTakenEffect, paymentTimelines, ruleFor, seenBy, statusAfter, statusOver,
  type LearnedEffects, type PaymentTimeline, type StatusSeen, type WriteRequest,
} from './payment-writes.js';

/** Races with more writes than this are not judged: every order is tried, and n! grows fast. */
const MAX_RACERS = 6;

/** When a write surely stopped racing: its 2xx or its last refusal (a lost answer never stops). */
const stopsAt = (w: WriteRequest): number => w.end;

/** Writes on one payment whose spans overlap, transitively: the order they took effect in is unknown. */
function races(t: PaymentTimeline): WriteRequest[][] {
  const out: WriteRequest[][] = [];
  let group: WriteRequest[] = [];
  let until = -Infinity;
  for (const w of t.writes) {
    if (group.length && w.sentAt >= until) {
      if (group.length > 1) out.push(group);
      group = [];
    }
    group.push(w);
    until = Math.max(until, stopsAt(w));
  }
  if (group.length > 1) out.push(group);
  return out;
}

interface Orders {
  /** Every state some allowed order of the accepted writes (and any of the lost ones) ends in. */
  ends: Set<string>;
  /** A write's effect was needed but never seen in the run: the orders are incomplete. */
  unsure?: string;
}

/**
 * Tries every order of the race's writes from `start`: accepted ones must all take effect, lost ones
 * may or may not. A write's next state is what its own answer showed, else what the run saw it do.
 */
function orders(t: PaymentTimeline, lifecycle: LifecycleSpec, effects: LearnedEffects, keeps: ReadonlySet<PaymentOperation>, start: string, accepted: WriteRequest[], lost: WriteRequest[]): Orders {
  const out: Orders = { ends: new Set() };
  const all = [...accepted, ...lost];
  const next = (w: WriteRequest, s: string): string[] => {
    const shown = statusAfter(t, w);
    // An operation the run saw leave the status alone, and never saw move a payment, is no move at all
    // (refunds as their own objects while the payment stays "succeeded", even where that is terminal).
    if ((shown === undefined || shown === s) && keeps.has(w.op) && !effects.get(w.op)?.size) return [s];
    // Its answer does not show the payment and nothing showed what it does: no order can be reasoned about.
    if (shown === undefined && !effects.get(w.op)?.size) {
      out.unsure ??= `no accepted ${w.op} showed which state it leads to`;
      return [];
    }
    if (lifecycle.terminal.includes(s)) return [];
    if (shown !== undefined) return (lifecycle.transitions[s] ?? []).includes(shown) ? [shown] : [];
    const rule = ruleFor(lifecycle, effects, w.op, s);
    if ('unknown' in rule) {
      out.unsure ??= rule.unknown;
      return [];
    }
    return rule.allowed ? rule.to : [];
  };
  const walk = (s: string, used: number, placed: number): void => {
    if (placed === accepted.length) out.ends.add(s);
    all.forEach((w, i) => {
      if (used & (1 << i)) return;
      for (const to of next(w, s)) walk(to, used | (1 << i), placed + (i < accepted.length ? 1 : 0));
    });
  };
  walk(start, 0, 0);
  return out;
}

/** The first status seen after the race settled, if no later write could have moved it first. */
function seenAfter(t: PaymentTimeline, race: readonly WriteRequest[]): StatusSeen | undefined {
  const settled = Math.max(...race.filter((w) => !w.lost).map(stopsAt), ...race.map((w) => w.sentAt));
  const s = t.seen.find((x) => x.sentAt >= settled);
  if (!s) return undefined;
  // Writes sent before the race ended before it began (races are maximal); a later one may have moved the payment first.
  const moved = t.writes.some((x) => !race.includes(x) && mayHaveTakenEffect(x) && x.sentAt >= race[0]!.sentAt && x.sentAt < s.seenAt);
  return moved ? undefined : s;
}

function describeWrite(view: HistoryView, t: PaymentTimeline, w: WriteRequest): string {
  const first = exchangeAt(view, w.entries[0]!);
  const amount = w.amount !== undefined ? ` of ${w.amount}` : '';
  if (w.lost) return `${w.op} #${first.invoke.opId}${amount} (answer lost)`;
  const answer = exchangeAt(view, w.accepted >= 0 ? w.accepted : w.entries[w.entries.length - 1]!).complete!;
  const shown = statusAfter(t, w);
  return `${w.op} #${first.invoke.opId}${amount} (${answer.status ?? answer.outcome} ${at(answer.time)}${shown ? ` → "${shown}"` : ''})`;
}

function recordsOfRace(view: HistoryView, race: readonly WriteRequest[]): HistoryRecord[] {
  return race.flatMap((w) => recordsOf(exchangeAt(view, w.accepted >= 0 ? w.accepted : w.entries[0]!)));
}

/**
 * Writes that raced on one payment (captures with different keys, a capture and a cancel, several
 * refunds) were accepted only in a combination some order of the lifecycle allows — of two captures
 * or of a capture and a cancel, at most one may take effect — and the next status seen of the payment
 * is one such an order ends in. A race whose starting state is not known for sure is not judged.
 */
export const racingWritesConsistent: Check = {
  name: 'racing-writes-consistent',
  description: 'writes racing on one payment take effect only as some lifecycle order allows, and the payment ends as their answers say',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const { lifecycle } = profile;
    const timelines = paymentTimelines(view, profile);
    const effects = learnEffects(timelines, lifecycle);
    const keeps = learnKeeps(timelines, lifecycle);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let judged = 0;
    let settledChecked = 0;
    for (const t of timelines) {
      for (const race of races(t)) {
        if (witnesses.length >= MAX_WITNESSES) break;
        if (race.length > MAX_RACERS) {
          skipped.add(`race of more than ${MAX_RACERS} writes (too many orders to try)`);
          continue;
        }
        const before = statusOver(t, race[0]!.sentAt, race[0]!.sentAt, race);
        if ('unknown' in before) {
          skipped.add(`race: ${before.unknown}`);
          continue;
        }
        const accepted = race.filter((w) => w.accepted >= 0);
        const lost = race.filter((w) => w.lost);
        const found = orders(t, lifecycle, effects, keeps, before.status, accepted, lost);
        const head = `${race.length} writes raced on payment ${t.payment} ("${before.status}" as ${seenBy(view, before.seen, t.payment)}): `
          + `${race.map((w) => describeWrite(view, t, w)).join(', ')}`;
        if (found.ends.size === 0) {
          if (found.unsure) {
            skipped.add(`race where ${found.unsure}`);
            continue;
          }
          judged++;
          witnesses.push({
            summary: `${head}; ${accepted.length} were accepted, but no order of them is one the lifecycle allows from "${before.status}" (at most one of them may take effect).`,
            records: recordsOfRace(view, race),
          });
          continue;
        }
        judged++;
        const after = seenAfter(t, race);
        if (!after || found.unsure) continue;
        settledChecked++;
        if (found.ends.has(after.status)) continue;
        witnesses.push({
          summary: `${head}; their answers leave the payment ${[...found.ends].map((s) => `"${s}"`).join(' or ')}, but it was "${after.status}" when ${seenBy(view, after, t.payment)}.`,
          records: [...recordsOfRace(view, race), ...(after.entry >= 0 ? recordsOf(exchangeAt(view, after.entry)) : [view.history[-after.entry - 1]!])],
        });
      }
    }
    return verdictOf(this.name, {
      witnesses, judged, unit: 'races', notJudged: skipped, stats: { settledChecked },
      nothingToJudge: 'no two writes on one payment overlapped in time from a state known for sure',
    });
  },
};
