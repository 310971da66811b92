import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo, standardSuiteDir } from '../harness/run/demo.js';
import { SANDBOX_BUGS } from '../sandbox/index.js';

const out = mkdtempSync(join(tmpdir(), 'ph-suite-'));

/** Which scenario of the standard suite exposes each planted bug, and the check that must name it. */
export const BUG_TO_CHECK: Record<string, { scenario: string; check: string }> = {
  'no-idempotency': { scenario: 'lost-responses', check: 'exactly-once' },
  'idempotency-race': { scenario: 'concurrent-duplicates', check: 'concurrent-duplicates-once' },
  'ignore-payload-mismatch': { scenario: 'changed-payloads', check: 'payload-mismatch-rejected' },
  'replay-differs': { scenario: 'changed-payloads', check: 'idempotent-replay' },
  'webhook-no-retry': { scenario: 'callbacks', check: 'callbacks-delivered' },
  'webhook-retry-storm': { scenario: 'callbacks', check: 'retry-schedule' },
  'webhook-new-event-id': { scenario: 'callbacks', check: 'retries-keep-event-id' },
  'webhook-bad-signature': { scenario: 'callbacks', check: 'signatures-valid' },
  'refund-overdraw': { scenario: 'refund-races', check: 'money-invariants' },
  'capture-after-cancel': { scenario: 'illegal-transitions', check: 'lifecycle-transitions' },
};

describe('the standard chaos suite', () => {
  it('passes on the clean sandbox with 5 different seeds', async () => {
    const results = await Promise.all([11, 22, 33, 44, 55].map((seed) => runDemo({ seed, outDir: join(out, `clean-${seed}`) })));
    for (const r of results) {
      const failing = r.verdict.scenarios.flatMap((s) => s.checks.filter((c) => c.verdict !== 'pass').map((c) => `${s.name}/${c.name}: ${c.error ?? c.witnesses[0]?.summary}`));
      expect(failing, `seed ${r.seed}`).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(r.verdict.seed).toBe(r.seed);
    }
  }, 240_000);

  it('maps every sandbox bug to a scenario and check', () => {
    expect(Object.keys(BUG_TO_CHECK).sort()).toEqual([...SANDBOX_BUGS].sort());
  });

  it('fails for each planted bug, naming the right check with a witness', async () => {
    const bugs = Object.entries(BUG_TO_CHECK);
    const misses: string[] = [];
    for (let i = 0; i < bugs.length; i += 5) {
      await Promise.all(bugs.slice(i, i + 5).map(async ([bug, { scenario, check }]) => {
        const r = await runDemo({ bugs: [bug], seed: 7, outDir: join(out, bug), scenarios: [join(standardSuiteDir(), `${scenario}.yaml`)] });
        const verdict = r.verdict.scenarios[0]!.checks.find((c) => c.name === check);
        if (r.exitCode !== 1 || verdict?.verdict !== 'fail' || !verdict.witnesses[0]?.summary || verdict.witnesses[0].records.length === 0) {
          misses.push(`${bug}: exit ${r.exitCode}, ${check} ${verdict?.verdict ?? 'missing'}`);
        }
      }));
    }
    expect(misses).toEqual([]);
  }, 240_000);
});
