import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo, standardSuiteDir } from '../harness/run/demo.js';
import { runLoad } from '../harness/load/run-load.js';
import { readHistory } from '../harness/history/recorder.js';
import { historyFileIn } from '../harness/history/history-file.js';
import { judgeRun } from '../harness/run/verdict.js';
import { judgeHistoryFile } from '../harness/checks/stream-file.js';
import { StreamJudge } from '../harness/checks/stream-judge.js';
import { comparableVerdict } from '../harness/checks/stream-compare.js';

const out = mkdtempSync(join(tmpdir(), 'ph-stream-eq-'));

/** The saved history of a run judged whole, streamed from its file, and streamed in batches of one flow released as they settle. */
async function expectStreamedEqualsWhole(runDir: string): Promise<string> {
  const file = historyFileIn(runDir);
  const history = await readHistory(file);
  const whole = judgeRun(history);
  expect(comparableVerdict((await judgeHistoryFile(file)).verdict)).toEqual(comparableVerdict(whole));
  // Flows quiet for a minute of history time are judged one at a time as the stream goes.
  const judge = new StreamJudge({ batchFlows: 1, settleAfterMs: 60_000 });
  for (const r of history) judge.push(r);
  expect(comparableVerdict(judge.end())).toEqual(comparableVerdict(whole));
  return whole.verdict;
}

describe('streamed judgement of real runs equals judging their saved histories', () => {
  // Together with the bug runs below, every scenario of the standard suite.
  it('the clean sandbox: the standard scenarios the bug runs below do not cover', async () => {
    const scenarios = ['changed-payloads', 'concurrent-duplicates', 'illegal-transitions', 'slow-responses'].map((s) => join(standardSuiteDir(), `${s}.yaml`));
    const r = await runDemo({ seed: 22, outDir: join(out, 'clean'), scenarios });
    expect(await expectStreamedEqualsWhole(r.runDir)).toBe(r.verdict.verdict);
  }, 900_000);

  it('planted bugs: the streamed judgement fails the same checks with the same witnesses', async () => {
    for (const [bug, scenario] of [['no-idempotency', 'lost-responses'], ['refund-overdraw', 'refund-races'], ['webhook-bad-signature', 'callbacks']] as const) {
      const r = await runDemo({ bugs: [bug], seed: 7, outDir: join(out, bug), scenarios: [join(standardSuiteDir(), `${scenario}.yaml`)] });
      expect(await expectStreamedEqualsWhole(r.runDir), bug).toBe('fail');
    }
  }, 300_000);

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
