import type { LifecycleSpec } from '../config/profile-types.js';
import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import { paymentObservations, snapshotRecords, statusOf, type PaymentSnapshot } from './payment-snapshots.js';

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
    const witnesses: Witness[] = [];
    let observations = 0;
    for (const [id, seen] of paymentObservations(view, profile)) {
      if (witnesses.length >= MAX_WITNESSES) break;
      const withStatus: PaymentSnapshot[] = [];
      for (const o of seen) {
        const s = statusOf(profile, o);
        if (s.status !== undefined) withStatus.push({ resourceId: id, ...s, exchange: 'invoke' in o ? o : undefined, finalRead: 'invoke' in o ? undefined : o });
      }
      observations += withStatus.length;
      const created = withStatus.find((s) => s.exchange?.invoke.op === 'create');
      if (created && !profile.lifecycle.initial.includes(created.status!)) {
        witnesses.push({ summary: `Payment ${id} was created in status "${created.status}", which is not an initial state (${profile.lifecycle.initial.join(', ')}).`, records: snapshotRecords(created) });
        continue;
      }
      // Latest observation (by completion) that finished before each later request started.
      for (let i = 1, j = -1; i < withStatus.length; i++) {
        const cur = withStatus[i]!;
        while (j + 1 < i && withStatus[j + 1]!.time <= cur.startedAt) j++;
        if (j < 0) continue;
        const prev = withStatus[j]!;
        if (reach.get(prev.status!)?.has(cur.status!) ?? prev.status === cur.status) continue;
        const terminal = profile.lifecycle.terminal.includes(prev.status!);
        witnesses.push({
          summary: `Payment ${id} moved from "${prev.status}" (${label(prev)}) to "${cur.status}" (${label(cur)}); ${terminal ? `"${prev.status}" is terminal` : 'the lifecycle does not allow that'}.`,
          records: [...snapshotRecords(prev), ...snapshotRecords(cur)],
        });
        break;
      }
    }
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { observations } };
  },
};
