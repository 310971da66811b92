import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../sandbox/index.js';
import { readHistory } from '../history/recorder.js';
import { runDiff } from './run-diff.js';
import { rejudgeDiff } from './rejudge-diff.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scenario = join(root, 'test/fixtures/diff/payments.yaml');
const out = mkdtempSync(join(tmpdir(), 'ph-diff-'));
const TIME_SCALE = 0.05;

/** Every difference as `kind field`, for messages that say what differed. */
const described = (differences: { kind: string; field: string; values: { baseline: string; other: string }[] }[]): string[] =>
  differences.map((d) => `${d.kind} ${d.field}: ${d.values[0]?.baseline} → ${d.values[0]?.other}`);

describe('payharness diff: one seeded workload against two implementations, compared by meaning', () => {
  it('two clean sandboxes agree: exit 0, no difference, ids and timestamps classified as noise; check re-judges to the same verdict', async () => {
    const result = await runDiff({ scenarios: [scenario], baseline: {}, candidate: {}, seed: 11, timeScale: TIME_SCALE, outDir: join(out, 'clean') });
    expect(described(result.verdict.differences)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.verdict.verdict).toBe('pass');
    expect(result.verdict.compared.create).toBe(8);
    expect(result.verdict.compared.final).toBe(8);
    // Random ids and timestamps differ between two runs of one baseline: noise, and it explains the candidate's.
    const unstable = result.verdict.noise.filter((n) => n.unstable).map((n) => `${n.kind} ${n.field}`);
    expect(unstable).toEqual(expect.arrayContaining(['create body.$.id', 'create body.$.created_at']));
    expect(result.verdict.noise.find((n) => n.kind === 'create' && n.field === 'body.$.id')!.absorbed).toBe(8);
    // Every record names its side; every side was judged by its own checks.
    for (const side of ['baseline', 'baseline-2', 'candidate']) {
      const history = await readHistory(join(result.runDir, side, 'history.jsonl'));
      expect(new Set(history.map((r) => r.target))).toEqual(new Set([side]));
    }
    expect(result.verdict.checks.length).toBeGreaterThan(0);
    expect(result.verdict.checks.filter((c) => c.status === 'regression')).toEqual([]);
    const junit = readFileSync(join(result.runDir, 'junit.xml'), 'utf8');
    expect(junit).toContain('name="create"');
    expect(junit).toContain('name="exactly-once"');
    expect(readFileSync(join(result.runDir, 'report.html'), 'utf8')).toContain('Noise: what differed between the two baseline runs');
    const again = await rejudgeDiff(result.runDir);
    expect(again.exitCode).toBe(0);
    expect(again.verdict.noise).toEqual(result.verdict.noise);
  }, 400_000);

  it('the legacy shape and the sandbox agree through their profiles and the state/event map: exit 0', async () => {
    const legacy = await startSandbox({ flavour: 'legacy', quiet: true, timeScale: TIME_SCALE });
    const modern = await startSandbox({ quiet: true, timeScale: TIME_SCALE });
    try {
      const result = await runDiff({
        scenarios: [scenario], seed: 22, timeScale: TIME_SCALE, outDir: join(out, 'shapes'),
        baseline: { url: legacy.url, profile: join(root, 'examples/profiles/sandbox-legacy.yaml') },
        candidate: { url: modern.url, profile: 'sandbox' },
        map: join(root, 'examples/diff/legacy-to-sandbox.map.yaml'),
      });
      expect(described(result.verdict.differences)).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(result.verdict.sides.map((s) => s.profile)).toEqual(['sandbox-legacy', 'sandbox-legacy', 'sandbox']);
      // Decimal amounts and state names were read through each side's profile: the meanings matched.
      const baselineHistory = readFileSync(join(result.runDir, 'baseline', 'history.jsonl'), 'utf8');
      expect(baselineHistory).toMatch(/"total":"\d+\.\d{2}"/);
      expect(baselineHistory).toContain('"state":"SETTLED"');
      expect(Object.values(result.verdict.compared).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    } finally {
      await legacy.close();
      await modern.close();
    }
  }, 400_000);

  it('a planted bug on the candidate is a difference in the operations it changes, and only those: exit 1', async () => {
    const result = await runDiff({
      scenarios: [scenario], seed: 11, timeScale: TIME_SCALE, outDir: join(out, 'bug'),
      baseline: {}, candidate: { bugs: ['ignore-payload-mismatch'] },
    });
    expect(result.exitCode).toBe(1);
    expect(result.verdict.verdict).toBe('fail');
    const fields = new Set(result.verdict.differences.map((d) => d.field));
    // The bug changes what a reused key with another payload gets, and nothing else.
    expect([...fields]).toEqual(['idempotency.payload-change']);
    const first = result.verdict.differences[0]!;
    expect(first.values[0]).toMatchObject({ baseline: 'refused (payload mismatch)', other: 'replayed' });
    expect(first.witnesses[0]!.otherRecords.length).toBeGreaterThan(0);
    // The report shows the two exchanges of a differing operation side by side.
    const html = readFileSync(join(result.runDir, 'report.html'), 'utf8');
    expect(html).toContain('class="side-by-side"');
    expect(html).toContain(first.witnesses[0]!.key);
    expect(result.verdict.checks.find((c) => c.check === 'payload-mismatch-rejected')!.status).toBe('regression');
    expect(readFileSync(join(result.runDir, 'junit.xml'), 'utf8')).toMatch(/<failure message="[a-z]+ differs in idempotency.payload-change"/);
  }, 400_000);
});
