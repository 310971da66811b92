import type { ApiProfile } from '../config/profile-types.js';
import type { FinalRead, HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import { classifyAnswer } from '../profile/error-classes.js';
import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, describeExchange, exchangeAt, finalReadOf, recordsOf, viewOf, type Exchange, type HistoryView } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import { observationAt, paymentObservations, snapshotOf, snapshotRecords, statusAt, requestedAtEntry, type PaymentSnapshot } from './payment-snapshots.js';
import { describeEvent, eventsByPayment, incompatibleEvents, leadsTo, reachability, secs, type EventClaim } from './event-claims.js';

/** "requires_capture" (amount 1200, captured 0, refunded 0) as an answer or the final read showed it. */
function describeSnapshot(s: PaymentSnapshot): string {
  const amounts = [
    s.amount !== undefined ? `amount ${s.amount}` : undefined,
    s.amountCaptured !== undefined ? `captured ${s.amountCaptured}` : undefined,
    s.amountRefunded !== undefined ? `refunded ${s.amountRefunded}` : undefined,
  ].filter(Boolean);
  const where = s.exchange ? `${s.exchange.invoke.op} #${s.exchange.invoke.opId}` : 'the final read';
  return `"${s.status}"${amounts.length ? ` (${amounts.join(', ')})` : ''} in ${where} at ${secs(s.time)}`;
}

/** A write the API answered with an error (or whose answer never came) — a change it may have rolled back. */
function isRefusedWrite(ex: Exchange): boolean {
  const op = ex.invoke.op;
  if (op === 'get' || op === 'list' || op === 'registerWebhook') return false;
  return ex.complete !== undefined && ex.complete.outcome !== 'ok';
}

/** A create the API answered with an error or never answered: what an event about a payment that never existed may tell of. */
const isRefusedCreate = (invoke: OperationInvoke, complete: OperationComplete): boolean => invoke.op === 'create' && complete.outcome !== 'ok';

/**
 * The refused write (on `resourceId`, or any create when undefined) sent last at or before `before`
 * (by send time, then opId, so the order records were written in does not matter): what an
 * unfounded event most likely tells of.
 */
function refusedWriteBefore(view: HistoryView, resourceId: string | undefined, before: number): Exchange | undefined {
  let best: Exchange | undefined;
  for (let e = 0; e < view.invokeAt.length; e++) {
    const invoke = view.history[view.invokeAt.get(e)] as OperationInvoke;
    if (invoke.time > before) continue;
    if (resourceId !== undefined ? invoke.resourceId !== resourceId : invoke.op !== 'create') continue;
    if (best && (invoke.time < best.invoke.time || (invoke.time === best.invoke.time && invoke.opId < best.invoke.opId))) continue;
    const ex = exchangeAt(view, e);
    if (isRefusedWrite(ex)) best = ex;
  }
  return best;
}

function refusalPhrase(ex: Exchange | undefined): string {
  if (!ex) return '';
  const amount = ex.invoke.amount !== undefined ? ` of ${ex.invoke.amount}` : '';
  return `; the last write sent before it arrived that the API refused: ${describeExchange(ex).replace(/^(\w+ #\d+)/, `$1${amount}`)} at ${secs(ex.complete?.time ?? ex.invoke.time)}`;
}

const isNotFound = (profile: ApiProfile, read: FinalRead): boolean =>
  read.status !== undefined && (classifyAnswer(profile, read.status, read.body) === 'not-found' || read.status === 404 || read.status === 410);

/**
 * Every delivered event agrees with the payment it is about: the payment exists, and it was in the
 * state the event claims — nothing the API showed after the event arrived contradicts it, and no two
 * events claim states the payment cannot both have been in. An event about a payment that never
 * existed, or announcing a change whose request was answered with an error and left the payment as
 * it was (an event sent before a commit that then failed), is a witness.
 *
 * Judged flow by flow when streamed: an event, its payment's answers and final read share a flow;
 * the refused create a witness names for a payment that never existed is in another flow, so each
 * batch carries the refused create sent last before each of its deliveries (see FlowNeed).
 */
export const eventsMatchPayments: Check = {
  name: 'events-match-payments',
  description: 'every delivered event is about a payment that exists and agrees with the state the API shows for it',
  stream: { flows: true, withExchanges: { keep: isRefusedCreate, latestBefore: 'delivery' } },
  inapplicable(profile: ApiProfile) {
    return profile.webhooks ? undefined : 'the profile declares no webhooks, so there are no events to compare with payments';
  },
  run(history, { profile }): CheckVerdict {
    const why = this.inapplicable!(profile);
    if (why) return { name: this.name, verdict: 'unknown', witnesses: [], error: why, judged: 0, unit: 'events' };
    const view = viewOf(history, profile);
    const reach = reachability(profile.lifecycle);
    const { byPayment: events } = eventsByPayment(view, profile);
    const { byPayment: observed } = paymentObservations(view, profile);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let judged = 0;
    let stateClaims = 0;
    const fail = (summary: string, records: HistoryRecord[]): void => {
      if (witnesses.length < MAX_WITNESSES) witnesses.push({ summary, records });
    };
    for (const [resourceId, claims] of events) {
      if (witnesses.length >= MAX_WITNESSES) break;
      if (resourceId === '') {
        skipped.add('event naming no payment (webhooks.resourceIdPath found nothing)', claims.length);
        continue;
      }
      const payment = view.payments.find(resourceId);
      const hasObservation = payment >= 0 && observed.size(payment) > 0;
      const finalRead = finalReadOf(view, resourceId);
      if (!hasObservation) {
        if (finalRead && finalRead.outcome !== 'ok' && isNotFound(profile, finalRead)) {
          judged += claims.length;
          const e = claims[0]!;
          const refused = refusedWriteBefore(view, undefined, e.firstSeen);
          fail(`${capital(describeEvent(e))} is about payment ${resourceId}${e.status ? ` in "${e.status}"` : ''}, which never existed: no answer named it and the final read at ${secs(finalRead.time)} answered ${finalRead.status}${refusalPhrase(refused)}.`,
            [e.delivery, ...(refused ? recordsOf(refused) : []), finalRead]);
        } else {
          skipped.add('event about a payment no answer showed and the run could not read back', claims.length);
        }
        continue;
      }
      // The payment exists. Each claimed state must fit what the API showed after the event arrived.
      for (const claim of claims) {
        judged++;
        if (claim.status === undefined) continue;
        stateClaims++;
        const contradiction = laterContradiction(view, profile, reach, payment, resourceId, claim);
        if (contradiction) {
          const refused = refusedWriteBefore(view, resourceId, claim.firstSeen);
          fail(`${capital(describeEvent(claim))} says payment ${resourceId} is "${claim.status}", but the API showed ${describeSnapshot(contradiction)}, which the lifecycle cannot reach from "${claim.status}"${refusalPhrase(refused)}.`,
            [claim.delivery, ...(refused ? recordsOf(refused) : []), ...snapshotRecords(contradiction)]);
          break;
        }
      }
      const pair = incompatibleEvents(reach, claims);
      if (pair) {
        const [a, b] = pair;
        fail(`Payment ${resourceId}: ${describeEvent(a)} says "${a.status}" and ${describeEvent(b)} says "${b.status}"; the lifecycle leads from neither state to the other, so the payment cannot have been in both.`,
          [a.delivery, b.delivery]);
      }
    }
    return verdictOf(this.name, {
      witnesses, judged, unit: 'events', notJudged: skipped, stats: { stateClaims },
      nothingToJudge: 'no delivered event named a payment the run could see or read back',
    });
  },
};

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The first observation of the payment whose request was sent after the event had arrived (so after
 * the event's change) and whose state the claimed one cannot lead to.
 */
function laterContradiction(view: HistoryView, profile: ApiProfile, reach: Map<string, Set<string>>, payment: number, resourceId: string, claim: EventClaim): PaymentSnapshot | undefined {
  const { byPayment } = paymentObservations(view, profile);
  for (let slot = byPayment.firstSlot(payment); slot >= 0; slot = byPayment.nextSlot(slot)) {
    const entry = byPayment.valueAt(slot);
    if (requestedAtEntry(view, entry) < claim.firstSeen) continue;
    const status = statusAt(view, profile, entry);
    if (status === undefined || leadsTo(reach, claim.status!, status)) continue;
    return snapshotOf(profile, observationAt(view, entry), resourceId);
  }
  return undefined;
}
