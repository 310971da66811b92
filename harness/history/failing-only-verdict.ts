import type { CheckVerdict } from '../checks/types.js';
import { combineVerdicts } from '../checks/index.js';
import type { RunMeta, VerdictFile } from '../run/verdict.js';
import { isFlowDetailNote, type FlowDetailSummary, type RecordedCheck } from './flow-detail.js';
import { streamHistory } from './reader.js';

/** A failing-only history as `payharness check` finds it: its run's setting and, when the run closed it, the closing figures. */
export interface FailingOnlyHistory {
  passingSample: number;
  /** Absent when the run ended before writing its closing note (killed): no run-time verdict to show. */
  summary?: FlowDetailSummary;
}

/** Reads whether `file` keeps only failing flows (`--history-detail failing`); undefined for a full history, read no further than its run record. */
export async function readFailingOnly(file: string): Promise<FailingOnlyHistory | undefined> {
  let found: FailingOnlyHistory | undefined;
  for await (const r of streamHistory(file)) {
    if (!found) {
      if (r.kind !== 'run') continue;
      const detail = (r.meta as unknown as RunMeta).historyDetail;
      if (detail?.keep !== 'failing') return undefined;
      found = { passingSample: detail.passingSample };
    } else if (isFlowDetailNote(r)) found.summary = r.flowDetail;
  }
  return found;
}

/**
 * The verdict `payharness check` gives a failing-only history. A witness re-found in the kept
 * records is a fresh fail. Anything else cannot be re-judged (the passing flows are gone), so the
 * check carries the run's own verdict, recorded at run time, when it applies (same profile and
 * checks); otherwise it is `unknown`, saying why.
 */
export function failingOnlyVerdict(rejudged: VerdictFile, history: FailingOnlyHistory, overridden: boolean): VerdictFile {
  const run = overridden ? undefined : history.summary?.runVerdict;
  const scenarios = rejudged.scenarios.map((s) => {
    const recordedChecks = run?.scenarios.find((r) => r.name === s.name)?.checks ?? [];
    const checks = s.checks.map((c): CheckVerdict => {
      const atRun = recordedChecks.find((r) => r.name === c.name);
      // Its witnesses re-found in the kept records; what it judged is the run's figure, not the kept records'.
      if (c.verdict === 'fail') return atRun?.judged === undefined ? c : { ...c, judged: atRun.judged, ...(atRun.unit ? { unit: atRun.unit } : {}) };
      return atRun ? carried(atRun) : notRejudgeable(c, history, overridden);
    });
    return { name: s.name, verdict: combineVerdicts(checks.map((c) => c.verdict)), checks };
  });
  const interrupted = rejudged.interrupted === true || run?.interrupted === true;
  return { ...rejudged, verdict: combineVerdicts(scenarios.map((s) => s.verdict)), ...(interrupted ? { interrupted } : {}), scenarios };
}

/** The run's verdict on a check, as recorded: its figures, and for a fail a witness saying where the evidence went. */
function carried(r: RecordedCheck): CheckVerdict {
  const witnesses = r.verdict === 'fail'
    ? [{ summary: `the run found ${r.witnesses} witness(es); their flows' records are not in this history to show again`, records: [] }]
    : [];
  return { name: r.name, verdict: r.verdict, witnesses, ...(r.judged === undefined ? {} : { judged: r.judged }), ...(r.unit ? { unit: r.unit } : {}), ...(r.error ? { error: r.error } : {}) };
}

function notRejudgeable(c: CheckVerdict, history: FailingOnlyHistory, overridden: boolean): CheckVerdict {
  const why = overridden
    ? 'the run judged its own profile and checks, and the flows it found passing are not in this history to judge with others'
    : history.summary ? `the run did not judge ${c.name}` : 'the run ended before recording its own verdict';
  return { ...c, verdict: 'unknown', witnesses: [], error: `this history keeps only failing flows' detail, so re-judging cannot pass ${c.name}: ${why}` };
}

/** The lines `payharness check` prints above the verdict: what the history holds, and per check the run's verdict beside the re-judgement. */
export function renderFailingOnly(history: FailingOnlyHistory, rejudged: VerdictFile, overridden: boolean): string {
  const s = history.summary;
  const out = [
    s
      ? `This history keeps only failing flows' detail (--history-detail failing): ${s.flows.failing} failing flow(s) and ${s.flows.sampled} passing flow(s) as a sample were kept, ${s.flows.dropped} other flow(s) dropped (${s.recordsDropped} records, no witness reported in them).`
      : `This history keeps only failing flows' detail (--history-detail failing), and the run ended before recording what it dropped and its own verdict.`,
    `Re-judging cannot give a fresh verdict on flows that are not here: a fail re-found in the kept records stands; every other verdict below is the run's own${overridden ? ' (not with --profile/--check: those checks read unknown)' : ''}.`,
  ];
  for (const sc of rejudged.scenarios) {
    const atRun = s?.runVerdict.scenarios.find((r) => r.name === sc.name);
    for (const c of sc.checks) {
      const r = atRun?.checks.find((x) => x.name === c.name);
      const runText = r ? `run: ${r.verdict}${r.judged === undefined ? '' : ` (judged ${r.judged} ${r.unit ?? 'items'}${r.witnesses ? `, ${r.witnesses} witness(es)` : ''})`}` : 'run: not recorded';
      out.push(`  ${c.name.padEnd(28)} ${runText} · kept records: ${keptText(c, s)}`);
    }
  }
  return `${out.join('\n')}\n\n`;
}

function keptText(c: CheckVerdict, s: FlowDetailSummary | undefined): string {
  // Checks stop looking at their witness cap, so the count re-found is a floor, not the run's count.
  if (c.verdict === 'fail') return `fail, witnesses re-found (${c.witnesses.length} shown)`;
  const judged = c.judged ? `${c.verdict} on ${c.judged} ${c.unit ?? 'items'}` : 'nothing to judge';
  return `${judged} — no evidence about the ${s ? `${s.flows.dropped} ` : ''}dropped flow(s)`;
}

/** The line under the verdict: where it came from. */
export function failingOnlyFooter(history: FailingOnlyHistory, verdict: VerdictFile, overridden: boolean): string {
  const refound = verdict.scenarios.some((s) => s.checks.some((c) => c.verdict === 'fail' && c.witnesses.some((w) => w.records.length > 0)));
  const fresh = refound ? '; its fails were re-found in the kept records' : '';
  if (overridden || !history.summary) return `(a failing-only history: no run-time verdict applies here, so only fails re-found in the kept records are verdicts; the rest read unknown)\n`;
  return `(the run's own verdict, recorded when it ran: this history keeps only failing flows' detail and cannot be judged afresh${fresh})\n`;
}
