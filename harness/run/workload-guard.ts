import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import type { CheckVerdict } from '../checks/types.js';

export const WORKLOAD_GUARD = 'workload-reached-target';

/**
 * Checks judge what the workload did; when nothing it sent was accepted (wrong credentials, a
 * profile that does not fit the API, a target that answers 404 to everything), every check would
 * pass vacuously. Returns an `unknown` verdict saying so, or undefined when some write was acknowledged.
 */
export function workloadGuard(records: readonly HistoryRecord[]): CheckVerdict | undefined {
  const writes = new Map<number, OperationInvoke>();
  for (const r of records) if (r.kind === 'invoke' && r.method !== 'GET') writes.set(r.opId, r);
  if (writes.size === 0) return undefined;
  const statuses = new Map<string, number>();
  let sample: OperationComplete | undefined;
  for (const r of records) {
    if (r.kind !== 'complete' || !writes.has(r.opId)) continue;
    if (r.outcome === 'ok') return undefined;
    const label = r.status !== undefined ? String(r.status) : (r.error ?? r.outcome);
    statuses.set(label, (statuses.get(label) ?? 0) + 1);
    sample ??= r;
  }
  const seen = [...statuses].map(([label, n]) => `${label} ×${n}`).join(', ') || 'no answers';
  const invoke = sample ? writes.get(sample.opId) : writes.values().next().value;
  return {
    name: WORKLOAD_GUARD,
    verdict: 'unknown',
    error: `none of the ${writes.size} write requests was accepted (${seen}); the checks had nothing to judge — check the target's credentials and the profile`,
    witnesses: [{ summary: 'the first rejected write and its answer', records: [invoke, sample].filter((r): r is OperationInvoke | OperationComplete => r !== undefined) }],
    judged: 0,
    unit: 'accepted writes',
    notJudged: [...statuses].map(([label, count]) => ({ reason: `write answered ${label}`, count })),
    stats: { writes: writes.size },
  };
}
