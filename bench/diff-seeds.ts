/**
 * `npx tsx bench/diff-seeds.ts`: the figures behind docs/diff.md that are too slow for a test.
 * 1. Two clean sandboxes, and the legacy shape against the sandbox, over five seeds: each must exit 0
 *    with 0 differences.
 * 2. Every planted bug, on the candidate and then on the baseline (the legacy shape is the baseline,
 *    the sandbox the candidate): each must exit 1, naming the operation kinds and fields it changed.
 * Prints one line per run. Options (env): DIFF_SEEDS (default 11,22,33,44,55), DIFF_BUG_SEED (11),
 * DIFF_SCENARIOS (default the two in test/fixtures/diff/), DIFF_PARTS (clean,shapes,bugs), DIFF_BUGS (default all), DIFF_BUG_SIDES (candidate,baseline).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SANDBOX_BUGS, startSandbox } from '../sandbox/index.js';
import { runDiff, type DiffOptions } from '../harness/diff/run-diff.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const scenarios = (process.env.DIFF_SCENARIOS ?? 'test/fixtures/diff/payments.yaml,test/fixtures/diff/races-and-callbacks.yaml').split(',').map((f) => join(root, f));
const seeds = (process.env.DIFF_SEEDS ?? '11,22,33,44,55').split(',').map(Number);
const bugSeed = Number(process.env.DIFF_BUG_SEED ?? 11);
const parts = new Set((process.env.DIFF_PARTS ?? 'clean,shapes,bugs').split(','));
const out = mkdtempSync(join(tmpdir(), 'ph-diff-bench-'));
const TIME_SCALE = 0.05;
const legacyProfile = join(root, 'examples/profiles/sandbox-legacy.yaml');
const map = join(root, 'examples/diff/legacy-to-sandbox.map.yaml');
let n = 0;

async function report(label: string, options: Omit<DiffOptions, 'scenarios' | 'outDir' | 'timeScale'>): Promise<void> {
  const started = Date.now();
  const r = await runDiff({ ...options, scenarios, timeScale: TIME_SCALE, outDir: join(out, String(n++)) });
  const fields = r.verdict.differences.map((d) => `${d.kind} ${d.field} (${d.count}/${d.compared})`);
  const regressions = r.verdict.checks.filter((c) => c.status === 'regression').map((c) => c.check);
  const noise = r.verdict.noise.filter((x) => !x.field.startsWith('body.')).map((x) => `${x.kind} ${x.field}`);
  process.stdout.write(`${label}: exit ${r.exitCode}, ${r.verdict.differences.length} differences${fields.length ? ` [${fields.join('; ')}]` : ''}`
    + `${regressions.length ? `, checks newly failing: ${regressions.join(', ')}` : ''}${noise.length ? `, noise beyond bodies: ${noise.join(', ')}` : ''}`
    + ` (${Math.round((Date.now() - started) / 1000)} s, ${r.runDir})\n`);
}

async function shapes(label: string, seed: number, legacyBugs: string[], modernBugs: string[]): Promise<void> {
  const legacy = await startSandbox({ flavour: 'legacy', quiet: true, timeScale: TIME_SCALE, bugs: legacyBugs });
  const modern = await startSandbox({ quiet: true, timeScale: TIME_SCALE, bugs: modernBugs });
  // A bug on the baseline side needs a clean second baseline (another instance), or the noise run shares the bug.
  const legacy2 = legacyBugs.length ? await startSandbox({ flavour: 'legacy', quiet: true, timeScale: TIME_SCALE, bugs: legacyBugs }) : undefined;
  try {
    await report(label, {
      seed, map,
      baseline: { url: legacy.url, profile: legacyProfile },
      ...(legacy2 ? { baseline2: { url: legacy2.url, profile: legacyProfile } } : {}),
      candidate: { url: modern.url, profile: 'sandbox' },
    });
  } finally {
    await legacy.close();
    await modern.close();
    await legacy2?.close();
  }
}

if (parts.has('clean')) for (const seed of seeds) await report(`clean sandbox vs clean sandbox, seed ${seed}`, { seed, baseline: {}, candidate: {} });
if (parts.has('shapes')) for (const seed of seeds) await shapes(`legacy shape vs sandbox, seed ${seed}`, seed, [], []);
if (parts.has('bugs')) {
  const bugs = process.env.DIFF_BUGS ? process.env.DIFF_BUGS.split(',') : SANDBOX_BUGS;
  const sides = (process.env.DIFF_BUG_SIDES ?? 'candidate,baseline').split(',');
  if (sides.includes('candidate')) for (const bug of bugs) await shapes(`bug ${bug} on the candidate, seed ${bugSeed}`, bugSeed, [], [bug]);
  if (sides.includes('baseline')) for (const bug of bugs) await shapes(`bug ${bug} on the baseline, seed ${bugSeed}`, bugSeed, [bug], []);
}
