import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo, standardSuiteDir } from '../harness/run/demo.js';
import { runLoad } from '../harness/load/run-load.js';
import { readHistory } from '../harness/history/recorder.js';
import { historyFileIn } from '../harness/history/history-file.js';
import { judgeRun } from '../harness/run/verdict.js';
import { judgeHistoryFile } from '../harness/checks/stream-file.js';
import { StreamJudge } from '../harness/checks/stream-judge.js';
import { comparableVerdict } from '../harness/checks/stream-compare.js';
import { flowNeedOf } from '../harness/checks/stream-needs.js';
import { findCheck } from '../harness/checks/index.js';
import type { VerdictFile } from '../harness/run/verdict.js';
import { startDecimalApi, type DecimalApiOptions } from './fixtures/decimal-api/server.js';
import { runChaos } from '../harness/run/run-chaos.js';

const out = mkdtempSync(join(tmpdir(), 'ph-stream-eq-'));

/** The saved history of a run judged whole, streamed from its file, and streamed in batches of one flow released as they settle. */
async function expectStreamedEqualsWhole(runDir: string): Promise<VerdictFile> {
  const file = historyFileIn(runDir);
  const history = await readHistory(file);
  const whole = judgeRun(history);
  expect(comparableVerdict((await judgeHistoryFile(file)).verdict)).toEqual(comparableVerdict(whole));
  // Flows quiet for a minute of history time are judged one at a time as the stream goes.
  const judge = new StreamJudge({ batchFlows: 1, settleAfterMs: 60_000 });
  for (const r of history) judge.push(r);
  expect(comparableVerdict(judge.end())).toEqual(comparableVerdict(whole));
  return whole;
}

/** Verdict of each check of a judged run, by name (one scenario per run here). */
function verdicts(file: VerdictFile): Record<string, string> {
  return Object.fromEntries(file.scenarios.flatMap((s) => s.checks.map((c) => [c.name, c.verdict])));
}

/** The checks these tests must see fail and pass, streamed flow by flow, on the sandbox and on the decimal API. */
const MOVED = ['keys-retained', 'replay-marked', 'keys-scoped-per-merchant', 'events-match-payments'];

it('the checks moved to flow-by-flow judgement are judged flow by flow', () => {
  for (const name of MOVED) expect(flowNeedOf(findCheck(name)), name).toBeDefined();
});

describe('streamed judgement of real runs equals judging their saved histories', () => {
  // Together with the bug runs below, every scenario of the standard suite.
  it('the clean sandbox: the standard scenarios the bug runs below do not cover', async () => {
    const scenarios = ['changed-payloads', 'concurrent-duplicates', 'illegal-transitions', 'slow-responses', 'late-replays', 'merchant-key-scope'].map((s) => join(standardSuiteDir(), `${s}.yaml`));
    const r = await runDemo({ seed: 22, outDir: join(out, 'clean'), scenarios });
    const whole = await expectStreamedEqualsWhole(r.runDir);
    expect(whole.verdict).toBe(r.verdict.verdict);
    // The replay and merchant checks judged something and passed, flow by flow.
    expect(verdicts(whole)).toMatchObject({ 'keys-retained': 'pass', 'replay-marked': 'pass', 'keys-scoped-per-merchant': 'pass' });
  }, 900_000);

  it('planted bugs: the streamed judgement fails the same checks with the same witnesses', async () => {
    const bugs = [
      ['no-idempotency', 'lost-responses', 'exactly-once'], ['refund-overdraw', 'refund-races', 'money-invariants'],
      // Events pass here (the bug is the signature); they fail in the event-before-commit run.
      ['webhook-bad-signature', 'callbacks', 'signatures-valid'], ['event-before-commit', 'callbacks', 'events-match-payments'],
      ['idempotency-short-retention', 'late-replays', 'keys-retained'], ['replay-unmarked', 'late-replays', 'replay-marked'],
      ['idempotency-keys-global', 'merchant-key-scope', 'keys-scoped-per-merchant'],
    ] as const;
    const seen: Record<string, Set<string>> = {};
    for (const [bug, scenario, check] of bugs) {
      const r = await runDemo({ bugs: [bug], seed: 7, outDir: join(out, bug), scenarios: [join(standardSuiteDir(), `${scenario}.yaml`)] });
      const whole = await expectStreamedEqualsWhole(r.runDir);
      expect(whole.verdict, bug).toBe('fail');
      expect(verdicts(whole)[check], bug).toBe('fail');
      for (const [name, verdict] of Object.entries(verdicts(whole))) (seen[name] ??= new Set()).add(verdict);
    }
    expect([...seen['events-match-payments']!].sort()).toEqual(['fail', 'pass']);
  }, 600_000);

  it('an API of another shape (decimal amounts, its own events and replay header): planted bugs and a correct API judged alike both ways', async () => {
    process.env.DECIMAL_API_KEY = 'decimal-key';
    const fixtures = fileURLToPath(new URL('./fixtures/decimal-api/', import.meta.url));
    const cases: [string, string, DecimalApiOptions][] = [
      ['replays-clean', 'late-replays.yaml', {}], ['keys-forgotten', 'late-replays.yaml', { forgetKeysAfterMs: 1_000 }],
      ['replays-unmarked', 'late-replays.yaml', { unmarkedReplays: true }],
      ['events-clean', 'events-scenario.yaml', { failEvery: 4 }], ['events-before-commit', 'events-scenario.yaml', { failEvery: 4, eventsBeforeCommit: true }],
    ];
    const seen: Record<string, Record<string, string>> = {};
    for (const [name, scenario, options] of cases) {
      const api = await startDecimalApi(options);
      try {
        const r = await runChaos({ scenarios: [join(fixtures, scenario)], target: api.url, seed: 5, outDir: join(out, `decimal-${name}`) });
        seen[name] = verdicts(await expectStreamedEqualsWhole(r.runDir));
      } finally {
        await api.close();
      }
    }
    expect(seen['replays-clean']).toMatchObject({ 'keys-retained': 'pass', 'replay-marked': 'pass' });
    expect(seen['keys-forgotten']!['keys-retained']).toBe('fail');
    expect(seen['replays-unmarked']!['replay-marked']).toBe('fail');
    expect(seen['events-clean']!['events-match-payments']).toBe('pass');
    expect(seen['events-before-commit']!['events-match-payments']).toBe('fail');
  }, 600_000);

  it('a soak load run (history not in memory, gzip, judged as it went) has the verdict of re-judging its saved history', async () => {
    const scenarioFile = join(out, 'soak.yaml');
    writeFileSync(scenarioFile, `name: soak-small
seed: 5
scenarios:
  soak:
    executor: constant-arrival-rate
    rate: 40
    duration: 2s
    preAllocatedVUs: 5
    maxVUs: 20
    flows: { create: 1, authorize-capture: 1, create-refund: 1 }
    duplicates: { retry: 0.2, concurrent: 0.1 }
finalReads: none
`);
    for (const bugs of [[], ['no-idempotency']]) {
      const r = await runLoad({ scenarioFile, outDir: join(out, `soak-${bugs.join('') || 'clean'}`), bugs, history: { retain: false, gzip: true, settleAfterMs: 500 } });
      expect(r.history).toHaveLength(0);
      expect(historyFileIn(r.runDir)).toMatch(/history\.jsonl\.gz$/);
      const rejudged = judgeRun(await readHistory(historyFileIn(r.runDir)));
      expect(comparableVerdict(r.verdict)).toEqual(comparableVerdict(rejudged));
      expect(r.verdict.verdict).toBe(bugs.length ? 'fail' : 'pass');
      await expectStreamedEqualsWhole(r.runDir);
    }
  }, 900_000);
});
