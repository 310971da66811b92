import type { VerdictFile } from '../run/verdict.js';
import type { CheckVerdict } from './types.js';
import { MAX_WITNESSES } from './history-view.js';

/**
 * What "the same verdict" means between a streamed judgement and a whole-history one: per
 * scenario and check, the verdict, what was judged and skipped, the figures and the reason; the
 * witnesses as a set (batches find them in another order). A check that hit its witness cap stops
 * looking, so past the cap only the verdict and the cap are compared.
 */
export function comparableVerdict(file: VerdictFile): unknown {
  return {
    verdict: file.verdict, interrupted: file.interrupted ?? false,
    scenarios: file.scenarios.map((s) => ({ name: s.name, verdict: s.verdict, checks: s.checks.map(comparableCheck) })),
  };
}

function comparableCheck(v: CheckVerdict): unknown {
  if (v.witnesses.length >= MAX_WITNESSES) return { name: v.name, verdict: v.verdict, witnesses: `≥ ${MAX_WITNESSES}` };
  const { witnessesNotKept: _cut, ...stats } = v.stats ?? {};
  return {
    name: v.name, verdict: v.verdict, judged: v.judged, unit: v.unit, error: v.error,
    notJudged: [...(v.notJudged ?? [])].sort((a, b) => a.reason.localeCompare(b.reason)),
    stats: Object.keys(stats).length ? stats : undefined,
    witnesses: v.witnesses.map((w) => w.summary).sort(),
  };
}
