import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './run-load.js';
import { renderFailing } from './progress.js';
import { judgeHistoryFile } from '../checks/stream-file.js';
import { comparableVerdict } from '../checks/stream-compare.js';
import { historyFileIn } from '../history/history-file.js';

const dir = mkdtempSync(join(tmpdir(), 'ph-soak-'));

function scenario(finalReads: 'none' | 'all'): string {
  const file = join(dir, `soak-${finalReads}.yaml`);
  writeFileSync(file, `name: soak-abort
seed: 9
scenarios:
  soak:
    executor: constant-arrival-rate
    rate: 30
    duration: 60s
    preAllocatedVUs: 5
    maxVUs: 20
    flows: { create: 1 }
    duplicates: { retry: 0.3 }
finalReads: ${finalReads}
`);
  return file;
}

describe('live verdicts of a soak run', () => {
  it('the progress line names failing checks with their witness counts', () => {
    expect(renderFailing([])).toEqual([]);
    expect(renderFailing([{ scenario: 'soak', check: 'exactly-once', witnesses: 3 }])).toEqual(['FAILING: exactly-once (3 witnesses in soak)']);
  });

  it('--abort-on-fail stops a double-charging run long before its 60 s, with the failing check as its verdict', async () => {
    const r = await runLoad({ scenarioFile: scenario('none'), outDir: join(dir, 'abort'), bugs: ['no-idempotency'], history: { retain: false, settleAfterMs: 300 }, abortOnFail: true });
    expect(r.stoppedByCheck).toBeDefined();
    expect(r.verdict.verdict).toBe('fail');
    expect(r.exitCode).toBe(1);
    expect(r.verdicts.find((v) => v.name === r.stoppedByCheck)?.verdict).toBe('fail');
    // The load's own measured duration (not the sandbox's start-up); scheduled for 60 s, generous on a busy machine.
    expect(r.summary.state.testRunDurationMs).toBeLessThan(30_000);
  }, 300_000);

  it('a soak run with proxy faults sees their decisions before its flows settle, and writes history.jsonl.gz by default', async () => {
    const file = join(dir, 'soak-faults.yaml');
    writeFileSync(file, `name: soak-faults
seed: 5
scenarios:
  soak: { executor: constant-arrival-rate, rate: 60, duration: 6s, preAllocatedVUs: 10, maxVUs: 40, flows: { create: 1 } }
faults:
  - { type: http_duplicate, attributes: { probability: 0.5, method: POST, copies: 1 } }
finalReads: none
`);
    const r = await runLoad({ scenarioFile: file, outDir: join(dir, 'faults'), history: { retain: false, settleAfterMs: 500 } });
    expect(existsSync(join(r.runDir, 'history.jsonl.gz'))).toBe(true);
    // Decisions pulled only at the end would come for flows judged long before: "arrived for flows already judged", unknown.
    for (const v of r.verdicts) expect(v.error ?? '').not.toMatch(/already judged/);
    expect(r.verdicts.find((v) => v.name === 'concurrent-duplicates-once')).toMatchObject({ verdict: 'pass' });
    const rejudged = await judgeHistoryFile(historyFileIn(r.runDir));
    expect(comparableVerdict(rejudged.verdict)).toEqual(comparableVerdict(r.verdict));
  }, 300_000);

  it('refuses --abort-on-fail when flows cannot settle before the end (final reads at the end)', async () => {
    await expect(runLoad({ scenarioFile: scenario('all'), outDir: join(dir, 'refused'), history: { retain: false }, abortOnFail: true }))
      .rejects.toMatchObject({ code: 'E_USAGE', exitCode: 3 });
  });
});
