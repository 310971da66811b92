import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadRunResult } from '../load/run-load.js';
import { readHistory } from './reader.js';
import { isFlowDetailNote, type FlowDetailSummary } from './flow-detail.js';
import type { HistoryRecord } from './types.js';
import { runCli } from '../../test/cli-helpers.js';
import { startDecimalApi, type DecimalApi } from '../../test/fixtures/decimal-api/server.js';
import { RunSession } from '../run/run-session.js';
import { TestHistory, testProfile } from '../checks/test-support/test-history.js';

const dir = mkdtempSync(join(tmpdir(), 'ph-flow-detail-'));
const decimalProfile = fileURLToPath(new URL('../../examples/profiles/decimal-api.yaml', import.meta.url));
const SAMPLE = 8;
/** Soak runs of a few seconds plus the sandbox's start on a busy 2-core machine, and a CLI re-judge through tsx. */
const RUN_MS = 240_000;

function scenario(name: string, extra = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}
seed: 11
scenarios:
  soak:
    executor: constant-arrival-rate
    rate: 25
    duration: 3s
    preAllocatedVUs: 5
    maxVUs: 20
    flows: { create: 1 }
    duplicates: { retry: 0.3, concurrent: 0.2 }
finalReads: none
${extra}`);
  return file;
}

async function failingOnlyRun(name: string, options: { bugs?: string[]; target?: string; profile?: string; gzip?: boolean }): Promise<{ result: LoadRunResult; history: HistoryRecord[]; summary: FlowDetailSummary }> {
  const result = await runLoad({
    scenarioFile: scenario(name), outDir: join(dir, name), bugs: options.bugs, target: options.target, profile: options.profile,
    history: { retain: false, settleAfterMs: 300, detail: 'failing', passingSample: SAMPLE, gzip: options.gzip === true },
  });
  const history = await readHistory(join(result.runDir, options.gzip ? 'history.jsonl.gz' : 'history.jsonl'));
  const note = history.find(isFlowDetailNote);
  expect(note, 'the closing note of a failing-only history').toBeDefined();
  return { result, history, summary: note!.flowDetail };
}

/** The logical creates whose requests are in the history. */
const logicalIds = (history: readonly HistoryRecord[]): Set<string> => new Set(history.flatMap((r) => (r.kind === 'invoke' ? [r.logicalId] : [])));
const opIds = (history: readonly HistoryRecord[]): Set<number> => new Set(history.flatMap((r) => (r.kind === 'invoke' || r.kind === 'complete' ? [r.opId] : [])));

/** Every witness of the run's verdict names only requests the history kept. */
function expectWitnessesKept(result: LoadRunResult, history: readonly HistoryRecord[]): void {
  const kept = opIds(history);
  const failed = result.verdicts.filter((v) => v.verdict === 'fail');
  expect(failed.length).toBeGreaterThan(0);
  for (const v of failed) {
    for (const w of v.witnesses) for (const r of w.records) if (r.kind === 'invoke' || r.kind === 'complete') expect(kept.has(r.opId), `${v.name}: ${w.summary}`).toBe(true);
  }
}

describe('which records a failing-only history keeps (hand-built flows, plain language)', () => {
  /** Six creates, one key answered with two payments (a double charge), written through the run core with a sample of 2. */
  async function session(settleAfterMs?: number): Promise<{ history: HistoryRecord[]; summary: FlowDetailSummary; verdict: string }> {
    const h = new TestHistory();
    for (let i = 1; i <= 6; i++) {
      const body = h.payment(`pay_${i}`, 'succeeded', 100, 100);
      h.request('create', { key: `k${i}`, amount: 100 }, { status: 201, resourceId: `pay_${i}`, body });
      if (i === 4) h.request('create', { key: 'k4', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_4b', body: h.payment('pay_4b', 'succeeded', 100, 100) });
    }
    const run = new RunSession({
      kind: 'load', seed: 1, outDir: join(dir, `hand-${settleAfterMs ?? 'end'}`), scenario: 's', history: { retain: false },
      judgeAsItGoes: settleAfterMs === undefined ? {} : { settleAfterMs, batchFlows: 1 }, historyDetail: { keep: 'failing', passingSample: 2 },
    });
    run.start({ profile: testProfile(), scenarios: [{ name: 's', checks: [{ name: 'exactly-once' }] }] });
    for (const r of h.records.slice(1)) {
      const { time: _time, target: _target, ...rest } = r;
      run.recorder.append(rest as Parameters<typeof run.recorder.append>[0]);
    }
    run.recorder.append({ kind: 'note', message: 'a run-wide record' });
    // The judge looks for settled flows every 256 records: enough run-wide records that they are judged before the end.
    if (settleAfterMs !== undefined) for (let i = 0; i < 300; i++) run.recorder.append({ kind: 'lag', windowMs: 1, maxMs: 0, p99Ms: 0 });
    if (settleAfterMs !== undefined) expect(run.streamJudge!.heldFlows).toBe(0);
    const outcome = await run.finish();
    const history = await readHistory(run.recorder.file!);
    return { history, summary: history.find(isFlowDetailNote)!.flowDetail, verdict: outcome.verdict.verdict };
  }

  for (const settle of [undefined, 0]) {
    it(`keeps the double-charged key's flow and the first two passing flows, drops three (flows judged ${settle === undefined ? 'at the end' : 'as they settle'})`, async () => {
      const { history, summary, verdict } = await session(settle);
      expect(verdict).toBe('fail');
      expect(summary.flows).toEqual({ failing: 1, sampled: 2, dropped: 3 });
      expect(summary.runVerdict.scenarios[0]!.checks[0]).toMatchObject({ name: 'exactly-once', verdict: 'fail', judged: 6, witnesses: 1 });
      const keys = [...new Set(history.flatMap((r) => (r.kind === 'invoke' ? [r.idempotencyKey] : [])))];
      expect(keys.sort()).toEqual(['k1', 'k2', 'k4']);
      // Both requests of the failing key and their answers; run-wide records as they came.
      expect(history.filter((r) => r.kind === 'invoke' && r.idempotencyKey === 'k4').length).toBe(2);
      expect(history.filter((r) => r.kind === 'complete').length).toBe(4);
      expect(history.some((r) => r.kind === 'note' && r.message === 'a run-wide record')).toBe(true);
      expect(summary.recordsDropped).toBe(6);
    });
  }
});

describe('--history-detail failing on the sandbox', () => {
  it('keeps the flows the planted bug failed in and a sample, drops the other passing flows; check re-finds the witnesses', async () => {
    const { result, history, summary } = await failingOnlyRun('sandbox-bug', { bugs: ['no-idempotency'], gzip: true });
    expect(result.verdict.verdict).toBe('fail');
    expect(summary.flows.failing).toBeGreaterThan(0);
    expect(summary.flows.sampled).toBe(SAMPLE);
    expect(summary.flows.dropped).toBeGreaterThan(0);
    expect(summary.recordsDropped).toBeGreaterThan(summary.flows.dropped);
    expect(summary.runVerdict.verdict).toBe('fail');
    expectWitnessesKept(result, history);
    // Only kept flows' requests are in the file: failing ones and the sample, each create one flow here.
    expect(logicalIds(history).size).toBe(summary.flows.failing + summary.flows.sampled);
    // Run-wide records are all there.
    for (const kind of ['run', 'lag', 'metrics', 'run-end'] as const) expect(history.some((r) => r.kind === kind), kind).toBe(true);
    expect(history.find((r) => r.kind === 'run')).toMatchObject({ meta: { historyDetail: { keep: 'failing', passingSample: SAMPLE } } });

    const check = await runCli(['check', result.runDir], { timeoutMs: RUN_MS / 2 });
    expect(check.code, check.stderr).toBe(1);
    expect(check.stdout).toContain("This history keeps only failing flows' detail (--history-detail failing)");
    expect(check.stdout).toMatch(new RegExp(`${summary.flows.dropped} other flow\\(s\\) dropped \\(\\d+ records, no witness reported in them\\)`));
    expect(check.stdout).toMatch(/exactly-once\s+run: fail \(judged \d+ \w+, \d+ witness\(es\)\) · kept records: fail, witnesses re-found \(\d+ shown\)/);
  }, RUN_MS);

  it('on a clean sandbox keeps only the sample; check shows the run-time pass and says the kept records are no evidence', async () => {
    const { result, history, summary } = await failingOnlyRun('sandbox-clean', {});
    expect(result.verdict.verdict).toBe('pass');
    expect(summary.flows).toMatchObject({ failing: 0, sampled: SAMPLE });
    expect(summary.flows.dropped).toBeGreaterThan(0);
    expect(logicalIds(history).size).toBe(SAMPLE);

    const check = await runCli(['check', result.runDir], { timeoutMs: RUN_MS / 2 });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/exactly-once\s+run: pass \(judged \d+ \w+\) · kept records: pass on \d+ \w+ — no evidence about the \d+ dropped flow\(s\)/);
    expect(check.stdout).toContain("every other verdict below is the run's own");
    // With another set of checks the run's verdict does not apply: unknown, with the reason.
    const only = await runCli(['check', result.runDir, '--check', 'exactly-once'], { timeoutMs: RUN_MS / 2 });
    expect(only.code, only.stderr).toBe(2);
    expect(only.stdout).toMatch(/re-judging cannot pass exactly-once/);
  }, RUN_MS);

  it('refuses checks that judge the whole history, and the option without --soak', async () => {
    const whole = scenario('whole', 'checks: [exactly-once, retry-schedule]\n');
    await expect(runLoad({ scenarioFile: whole, outDir: join(dir, 'whole'), history: { retain: false, detail: 'failing' } }))
      .rejects.toMatchObject({ code: 'E_HISTORY_DETAIL', exitCode: 3, message: expect.stringMatching(/retry-schedule \(whole\)/) });
    await expect(runLoad({ scenarioFile: scenario('not-soak'), outDir: join(dir, 'not-soak'), history: { detail: 'failing' } }))
      .rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/goes with --soak/) });
  });
});

describe('--history-detail failing on an API of another shape (decimal amounts, X-Request-Id keys)', () => {
  let buggy: DecimalApi;
  let clean: DecimalApi;
  beforeAll(async () => {
    process.env.DECIMAL_API_KEY = 'decimal-key';
    [buggy, clean] = await Promise.all([startDecimalApi({ ignoreKeys: true }), startDecimalApi()]);
  });
  afterAll(async () => {
    await Promise.all([buggy?.close(), clean?.close()]);
  });

  it('keeps the flows where keys were ignored, and only the sample of a correct API', async () => {
    const bug = await failingOnlyRun('decimal-bug', { target: buggy.url, profile: decimalProfile });
    expect(bug.result.verdict.verdict).toBe('fail');
    expect(bug.summary.flows.failing).toBeGreaterThan(0);
    expect(bug.summary.flows.dropped).toBeGreaterThan(0);
    expectWitnessesKept(bug.result, bug.history);
    expect(logicalIds(bug.history).size).toBe(bug.summary.flows.failing + bug.summary.flows.sampled);

    const ok = await failingOnlyRun('decimal-clean', { target: clean.url, profile: decimalProfile });
    expect(ok.result.verdict.verdict).toBe('pass');
    expect(ok.summary.flows).toMatchObject({ failing: 0, sampled: SAMPLE });
    expect(logicalIds(ok.history).size).toBe(SAMPLE);
  }, RUN_MS);
});
