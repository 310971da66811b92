import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from './run-load.js';
import { renderFailing } from './progress.js';
import { judgeHistoryFile } from '../checks/stream-file.js';
import { comparableVerdict } from '../checks/stream-compare.js';
import { historyFileIn } from '../history/history-file.js';
import { readHistory } from '../history/reader.js';
import type { OperationInvoke, ReferenceCount } from '../history/types.js';
import { startDecimalApi } from '../../test/fixtures/decimal-api/server.js';
import { fileURLToPath } from 'node:url';

const decimalProfile = fileURLToPath(new URL('../../examples/profiles/decimal-api.yaml', import.meta.url));

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

  it('refuses --abort-on-fail when flows cannot settle before the end (k6 requests reach the history when k6 exits)', async () => {
    await expect(runLoad({ scenarioFile: scenario('all'), outDir: join(dir, 'refused'), engine: 'k6', history: { retain: false }, abortOnFail: true }))
      .rejects.toMatchObject({ code: 'E_USAGE', exitCode: 3, message: expect.stringContaining('settle before the end') });
  });
});

/** A short soak scenario with final reads: every payment listed and read as the run goes. */
function readingScenario(name: string, finalReads: 'all' | 'duplicates', rate = 40, duration = '5s', after?: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}
seed: 3
scenarios:
  soak: { executor: constant-arrival-rate, rate: ${rate}, duration: ${duration}, preAllocatedVUs: 10, maxVUs: 40, flows: { create: 2, authorize-capture: 1, create-refund: 1 }, duplicates: { retry: 0.2, concurrent: 0.1 } }
finalReads: ${finalReads}
${after ? `finalReadsAfter: ${after}\n` : ''}`);
  return file;
}

/** What a soak run with reads as it goes must show in its history: each promised payment listed, most of them while the load still ran. */
async function expectReadAsItWent(runDir: string, finalReads: 'all' | 'duplicates', afterMs = 500): Promise<void> {
  const history = await readHistory(historyFileIn(runDir));
  const run = history.find((r) => r.kind === 'run')!;
  expect((run.meta as { readsAsItGoes?: string }).readsAsItGoes).toBe(finalReads);
  const invokes = history.filter((r): r is OperationInvoke => r.kind === 'invoke');
  const promised = new Set(invokes.filter((r) => r.op === 'create' && (finalReads === 'all' ? r.attempt === 1 : r.attempt === 2)).map((r) => r.logicalId));
  const listed = history.filter((r): r is ReferenceCount => r.kind === 'reference-count');
  expect(promised.size).toBeGreaterThan(0);
  expect(new Set(listed.map((r) => r.logicalId))).toEqual(promised);
  // Read while the load ran: most listings come before the last request was sent.
  const lastSent = Math.max(...invokes.map((r) => r.time));
  expect(listed.filter((r) => r.time < lastSent).length).toBeGreaterThan(listed.length / 2);
  expect(history.some((r) => r.kind === 'final-read')).toBe(true);
  // Each listing waited about its delay after the iteration's last answer (answers are timed from the
  // engine's clock, listings from the recorder's: allow 100 ms between the two).
  const lastAnswer = new Map<string, number>();
  const logicalOf = new Map(invokes.map((r) => [r.opId, r.logicalId]));
  for (const r of history) if (r.kind === 'complete') lastAnswer.set(logicalOf.get(r.opId)!, Math.max(lastAnswer.get(logicalOf.get(r.opId)!) ?? 0, r.time));
  for (const r of listed) expect(r.time - lastAnswer.get(r.logicalId!)!).toBeGreaterThanOrEqual(afterMs - 100);
}

describe('a soak run with final reads reads payments back as it goes', () => {
  it('on the sandbox: every payment listed and read during the run, flows judged live, the same verdict re-judged; a double charge fails and --abort-on-fail stops it', async () => {
    const clean = await runLoad({ scenarioFile: readingScenario('reads-clean', 'all'), outDir: join(dir, 'reads-clean'), history: { retain: false, settleAfterMs: 500 } });
    expect(clean.verdict.verdict).toBe('pass');
    for (const v of clean.verdicts) expect(v.error ?? '').not.toMatch(/already judged/);
    expect(clean.verdicts.find((v) => v.name === 'exactly-once')?.judged).toBeGreaterThan(100);
    await expectReadAsItWent(clean.runDir, 'all');
    expect(comparableVerdict((await judgeHistoryFile(historyFileIn(clean.runDir))).verdict)).toEqual(comparableVerdict(clean.verdict));

    const bug = await runLoad({
      scenarioFile: readingScenario('reads-bug', 'all', 30, '60s'), outDir: join(dir, 'reads-bug'), bugs: ['no-idempotency'], history: { retain: false, settleAfterMs: 500 }, abortOnFail: true,
    });
    expect(bug.stoppedByCheck).toBeDefined();
    expect(bug.verdict.verdict).toBe('fail');
    expect(bug.summary.state.testRunDurationMs).toBeLessThan(30_000);
    expect(comparableVerdict((await judgeHistoryFile(historyFileIn(bug.runDir))).verdict)).toEqual(comparableVerdict(bug.verdict));
  }, 300_000);

  it('on an API of another shape (decimal amounts, X-Request-Id keys): only the payments sent twice are read, a correct API passes and one ignoring keys fails', async () => {
    process.env.DECIMAL_API_KEY = 'decimal-key';
    const [clean, buggy] = await Promise.all([startDecimalApi(), startDecimalApi({ ignoreKeys: true })]);
    try {
      // An API whose listing may lag its writes: read each payment 1.5 s after its iteration (finalReadsAfter).
      const ok = await runLoad({ scenarioFile: readingScenario('decimal-reads', 'duplicates', 40, '5s', '1500ms'), outDir: join(dir, 'decimal-reads'), target: clean.url, profile: decimalProfile, history: { retain: false, settleAfterMs: 500 } });
      expect(ok.verdict.verdict).toBe('pass');
      await expectReadAsItWent(ok.runDir, 'duplicates', 1_500);
      expect(comparableVerdict((await judgeHistoryFile(historyFileIn(ok.runDir))).verdict)).toEqual(comparableVerdict(ok.verdict));
      const bad = await runLoad({ scenarioFile: readingScenario('decimal-reads-bug', 'duplicates'), outDir: join(dir, 'decimal-reads-bug'), target: buggy.url, profile: decimalProfile, history: { retain: false, settleAfterMs: 500 } });
      expect(bad.verdict.verdict).toBe('fail');
      expect(bad.verdicts.find((v) => v.name === 'exactly-once')?.verdict).toBe('fail');
      await expectReadAsItWent(bad.runDir, 'duplicates');
      expect(comparableVerdict((await judgeHistoryFile(historyFileIn(bad.runDir))).verdict)).toEqual(comparableVerdict(bad.verdict));
    } finally {
      await Promise.all([clean.close(), buggy.close()]);
    }
  }, 300_000);

  it('a listing that fails lets its flow settle, judged on its answers alone, and the run says how many failed', async () => {
    process.env.DECIMAL_API_KEY = 'decimal-key';
    const api = await startDecimalApi();
    // The same API shape with a listing the API does not serve (404 on every listing).
    const profile = join(dir, 'decimal-no-listing.yaml');
    writeFileSync(profile, readFileSync(decimalProfile, 'utf8').replace('path: /v2/payments, query: {merchant_reference', 'path: /v2/no-such-listing, query: {merchant_reference'));
    try {
      const r = await runLoad({ scenarioFile: readingScenario('decimal-list-fails', 'all'), outDir: join(dir, 'decimal-list-fails'), target: api.url, profile, history: { retain: false, settleAfterMs: 500 } });
      const history = await readHistory(historyFileIn(r.runDir));
      const failed = history.filter((h): h is ReferenceCount => h.kind === 'reference-count' && h.error !== undefined);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0]!.error).toContain('404');
      expect(history.filter((h) => h.kind === 'note' && /listings by reference failed as the run went/.test(h.message))).toHaveLength(1);
      // Flows settled as the run went (nothing held to the end, nothing late) and were judged on their answers.
      for (const v of r.verdicts) expect(v.error ?? '').not.toMatch(/already judged/);
      expect(r.verdicts.find((v) => v.name === 'exactly-once')).toMatchObject({ verdict: 'pass' });
      expect(comparableVerdict((await judgeHistoryFile(historyFileIn(r.runDir))).verdict)).toEqual(comparableVerdict(r.verdict));
    } finally {
      await api.close();
    }
  }, 300_000);
});
