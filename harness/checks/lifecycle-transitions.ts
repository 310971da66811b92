import type { LifecycleSpec } from '../config/profile-types.js';
import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import {
  isFinalRead, observationAt, observedAt, paymentObservations, requestedAt, snapshotRecords, statusOf, type Observation, type PaymentSnapshot,
} from './payment-snapshots.js';

/** state → every state reachable in zero or more allowed steps. */
function reachability(lifecycle: LifecycleSpec): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const states = new Set([...lifecycle.initial, ...lifecycle.terminal, ...Object.keys(lifecycle.transitions), ...Object.values(lifecycle.transitions).flat()]);
  for (const start of states) {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) for (const next of lifecycle.transitions[stack.pop()!] ?? []) if (!seen.has(next)) (seen.add(next), stack.push(next));
    out.set(start, seen);
  }
  return out;
}

const label = (s: PaymentSnapshot): string => (s.exchange ? `${s.exchange.invoke.op} #${s.exchange.invoke.opId}` : 'the final read');

/**
 * Observed statuses follow the profile's lifecycle graph. Two observations are only ordered when the
 * first answer arrived before the second request was sent, so concurrency never causes a false alarm.
 */
export const lifecycleTransitions: Check = {
  name: 'lifecycle-transitions',
  description: 'payment status changes follow the lifecycle graph of the profile; terminal states stay terminal',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const reach = reachability(profile.lifecycle);
    const { byPayment } = paymentObservations(view, profile);
    const witnesses: Witness[] = [];
    let observations = 0;
    // One payment's observations that show a status, with their statuses and times: scratch arrays reused for every payment.
    const seen: Observation[] = [];
    const statuses: string[] = [];
    const times: number[] = [];
    const starts: number[] = [];
    for (let p = 0; p < byPayment.groupCount; p++) {
      if (witnesses.length >= MAX_WITNESSES) break;
      const payment = byPayment.groupAt(p);
      const id = view.payments.strings[payment]!;
      seen.length = statuses.length = times.length = starts.length = 0;
      let created = -1;
      for (let slot = byPayment.firstSlot(payment); slot >= 0; slot = byPayment.nextSlot(slot)) {
        const o = observationAt(view, byPayment.valueAt(slot));
        const status = statusOf(profile, o);
        if (status === undefined) continue;
        if (created < 0 && !isFinalRead(o) && o.invoke.op === 'create') created = seen.length;
        seen.push(o);
        statuses.push(status);
        times.push(observedAt(o));
        starts.push(requestedAt(o));
      }
      observations += seen.length;
      // Snapshots (objects) only for the observations a witness shows.
      const snapshot = (i: number): PaymentSnapshot => {
        const o = seen[i]!;
        return { resourceId: id, status: statuses[i], time: times[i]!, startedAt: starts[i]!, exchange: isFinalRead(o) ? undefined : o, finalRead: isFinalRead(o) ? o : undefined };
      };
      if (created >= 0 && !profile.lifecycle.initial.includes(statuses[created]!)) {
        witnesses.push({ summary: `Payment ${id} was created in status "${statuses[created]}", which is not an initial state (${profile.lifecycle.initial.join(', ')}).`, records: snapshotRecords(snapshot(created)) });
        continue;
      }
      // Latest observation (by completion) that finished before each later request started.
      for (let i = 1, j = -1; i < seen.length; i++) {
        while (j + 1 < i && times[j + 1]! <= starts[i]!) j++;
        if (j < 0) continue;
        const from = statuses[j]!;
        const to = statuses[i]!;
        if (reach.get(from)?.has(to) ?? from === to) continue;
        const prev = snapshot(j);
        const cur = snapshot(i);
        const terminal = profile.lifecycle.terminal.includes(from);
        witnesses.push({
          summary: `Payment ${id} moved from "${from}" (${label(prev)}) to "${to}" (${label(cur)}); ${terminal ? `"${from}" is terminal` : 'the lifecycle does not allow that'}.`,
          records: [...snapshotRecords(prev), ...snapshotRecords(cur)],
        });
        break;
      }
    }
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { observations } };
  },
};
