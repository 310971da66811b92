import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestHistory, testProfile } from '../checks/test-support/test-history.js';
import type { VerdictFile } from '../run/verdict.js';
import type { HistoryRecord } from './types.js';
import { failingOnlyVerdict, type FailingOnlyHistory } from './failing-only-verdict.js';
import type { FlowDetailSummary } from './flow-detail.js';
import { runCli } from '../../test/cli-helpers.js';
import { judgeHistoryFile } from '../checks/stream-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ph-failing-only-'));
const CLI_MS = 120_000;

/** A small run's history on disk: one clean create, ended as `end` says (or not at all). */
function runDir(name: string, end: 'completed' | 'interrupted' | 'none'): string {
  const h = new TestHistory();
  h.request('create', { key: 'c1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) });
  const [, ...rest] = h.records;
  const run: HistoryRecord = { kind: 'run', time: 0, target: 'default', runId: name, seed: 1, startedAt: new Date(0).toISOString(), meta: { profile: testProfile(), scenarios: [{ name: 's', checks: [{ name: 'exactly-once' }] }] } };
  const records: HistoryRecord[] = [run, ...rest.map((r) => ({ ...r, scenario: 's' }))];
  if (end !== 'none') records.push({ kind: 'run-end', time: 100, target: 'default', scenario: 's', status: end });
  const out = join(dir, name);
  mkdirSync(out);
  writeFileSync(join(out, 'history.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return out;
}

describe('payharness check exits as the run did', () => {
  it('130 on an interrupted run\'s history (and on one cut off without its end), after printing the partial verdict', async () => {
    const [interrupted, killed, completed] = await Promise.all([
      runCli(['check', runDir('interrupted', 'interrupted')], { timeoutMs: CLI_MS }),
      runCli(['check', runDir('killed', 'none')], { timeoutMs: CLI_MS }),
      runCli(['check', runDir('completed', 'completed')], { timeoutMs: CLI_MS }),
    ]);
    for (const r of [interrupted, killed]) {
      expect(r.code, r.stderr).toBe(130);
      expect(r.stdout).toMatch(/verdict: pass \(interrupted: partial history\)/);
      expect(r.stderr).toMatch(/was interrupted \(or killed\): its history is partial.*\[E_INTERRUPTED\]/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(completed.code, completed.stderr).toBe(0);
  }, CLI_MS);
});

describe('load run flags of --history-detail', () => {
  it('refuses --history-detail failing without --soak, and --passing-sample without it: exit 3, before anything starts', async () => {
    const [notSoak, sampleAlone] = await Promise.all([
      runCli(['load', 'run', 'scenarios/load/standard.yaml', '--no-progress', '--history-detail', 'failing', '--out', join(dir, 'not-soak')], { timeoutMs: CLI_MS }),
      runCli(['load', 'run', 'scenarios/load/standard.yaml', '--no-progress', '--soak', '--passing-sample', '5', '--out', join(dir, 'sample-alone')], { timeoutMs: CLI_MS }),
    ]);
    expect(notSoak.code, notSoak.stderr).toBe(3);
    expect(notSoak.stderr).toMatch(/--history-detail failing goes with --soak.*\n\s+hint: add --soak/);
    expect(sampleAlone.code, sampleAlone.stderr).toBe(3);
    expect(sampleAlone.stderr).toMatch(/--passing-sample goes with --history-detail failing/);
  }, CLI_MS);
});

describe('re-judging a failing-only history whose flows were written out of time order', () => {
  it('judges each kept flow whole: a double charge split across the judge\'s periodic release is still found', async () => {
    // As FlowDetail writes it: run-wide records as they came (late times), each kept flow's records together when judged (early times).
    const h = new TestHistory();
    h.request('create', { key: 'kA', amount: 100 }, { status: 201, resourceId: 'pay_a', body: h.payment('pay_a', 'succeeded', 100, 100) });
    h.request('create', { key: 'k4', amount: 100 }, { status: 201, resourceId: 'pay_4', body: h.payment('pay_4', 'succeeded', 100, 100) });
    h.request('create', { key: 'k4', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_4b', body: h.payment('pay_4b', 'succeeded', 100, 100) });
    const [, a1, a2, k1, k2, k3, k4] = h.records.map((r) => ({ ...r, scenario: 's' }));
    const lag = (time: number): HistoryRecord => ({ kind: 'lag', time, target: 'default', scenario: 's', windowMs: 1, maxMs: 0, p99Ms: 0 });
    const meta = { profile: testProfile(), scenarios: [{ name: 's', checks: [{ name: 'exactly-once' }] }], settleAfterMs: 0, historyDetail: { keep: 'failing', passingSample: 1 } };
    const note = { kind: 'note', time: 30_001, target: 'default', scenario: 's', message: 'closing', flowDetail: { ...summary('fail'), passingSample: 1 } };
    // The judge looks for settled flows at every 256th record: the 512th falls between the two exchanges of k4.
    const records = [
      { kind: 'run', time: 0, target: 'default', runId: 'split', seed: 1, startedAt: new Date(0).toISOString(), meta },
      ...Array.from({ length: 250 }, () => lag(10_000)), a1, a2, ...Array.from({ length: 4 }, () => lag(10_000)),
      ...Array.from({ length: 253 }, () => lag(20_000)), k1, k2, k3, k4,
      { kind: 'run-end', time: 30_000, target: 'default', scenario: 's', status: 'completed' }, note,
    ];
    const out = join(dir, 'split');
    mkdirSync(out);
    writeFileSync(join(out, 'history.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // Released as the run record's settle time says, the halves land in different batches and the double charge is missed.
    const asSettled = await judgeHistoryFile(join(out, 'history.jsonl'));
    expect(asSettled.verdict.scenarios[0]!.checks[0]!.verdict).toBe('pass');
    const cli = await runCli(['check', out], { timeoutMs: CLI_MS });
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/exactly-once\s+run: fail \(judged 43 keys, 1 witness\(es\)\) · kept records: fail, witnesses re-found \(1 shown\)/);
  }, CLI_MS);
});

const judged = (verdict: VerdictFile['verdict'], judgedCount: number, witnesses = 0): VerdictFile => ({
  verdict, seed: 1, runId: 'r',
  scenarios: [{ name: 's', verdict, checks: [{ name: 'exactly-once', verdict, judged: judgedCount, unit: 'keys', witnesses: Array.from({ length: witnesses }, () => ({ summary: 'twice', records: [] })) }] }],
});

const summary = (verdict: 'pass' | 'fail'): FlowDetailSummary => ({
  keep: 'failing', passingSample: 2, flows: { failing: verdict === 'fail' ? 1 : 0, sampled: 2, dropped: 40 }, recordsDropped: 120,
  runVerdict: { verdict, scenarios: [{ name: 's', verdict, checks: [{ name: 'exactly-once', verdict, judged: 43, unit: 'keys', witnesses: verdict === 'fail' ? 1 : 0 }] }] },
});

describe('the verdict of a failing-only history', () => {
  it('carries the run\'s pass with its figures, not the sample\'s', () => {
    const v = failingOnlyVerdict(judged('pass', 2), { passingSample: 2, summary: summary('pass') }, false);
    expect(v.verdict).toBe('pass');
    expect(v.scenarios[0]!.checks[0]).toMatchObject({ verdict: 'pass', judged: 43 });
  });

  it('a fail re-found in the kept records stands, with the run\'s figure of what was judged', () => {
    const v = failingOnlyVerdict(judged('fail', 3, 1), { passingSample: 2, summary: summary('fail') }, false);
    expect(v.scenarios[0]!.checks[0]).toMatchObject({ verdict: 'fail', judged: 43, witnesses: [{ summary: 'twice' }] });
  });

  it('unknown, saying why, when no run-time verdict applies: another profile or checks, or a run that never closed its history', () => {
    const overridden = failingOnlyVerdict(judged('pass', 2), { passingSample: 2, summary: summary('pass') }, true);
    expect(overridden.verdict).toBe('unknown');
    expect(overridden.scenarios[0]!.checks[0]!.error).toMatch(/keeps only failing flows' detail, so re-judging cannot pass exactly-once: the run judged its own profile and checks/);
    const killed: FailingOnlyHistory = { passingSample: 2 };
    const unclosed = failingOnlyVerdict(judged('pass', 2), killed, false);
    expect(unclosed.scenarios[0]!.checks[0]).toMatchObject({ verdict: 'unknown', error: expect.stringMatching(/the run ended before recording its own verdict/) });
  });
});
