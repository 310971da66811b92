import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo, suiteFiles } from '../harness/run/demo.js';
import { loadScenario } from '../harness/config/scenario.js';
import { CHECK_NAMES } from '../harness/checks/index.js';
import { repoRoot, runCli } from './cli-helpers.js';
import { INSIDE_BUG_TO_CHECK } from './inside-bugs.js';
import { insideLeftovers } from './inside-leftovers.js';
import { runPool } from './run-pool.js';

const DATABASE = process.env.PAYHARNESS_TEST_DATABASE_URL;
const TOXIPROXY_URL = process.env.TOXIPROXY_URL;
const out = mkdtempSync(join(tmpdir(), 'ph-inside-'));
/**
 * Each inside run starts the sandbox as its own process (twice more for the crashes), which takes
 * seconds on a loaded machine: CI runs one seed; PAYHARNESS_INSIDE_SEEDS=11,22,33,44,55 runs all five (the figure the docs report).
 */
const CLEAN_SEEDS = (process.env.PAYHARNESS_INSIDE_SEEDS ?? '11').split(',').map(Number);
const RUN_TIMEOUT_MS = 600_000;
/**
 * The runs below are independent (each its own provider process, schema, link and ports) and mostly
 * wait: on process starts, retries across a crash, the 10 s settle. Three at a time (the tests are
 * it.concurrent, the pool holds the rest back) overlap those waits; the clean run and the crash run,
 * the longest, are declared first so they start first.
 */
const pool = runPool(3);
/** A test's clock runs from the file's first run: its run may wait in the pool behind another whole run. */
const POOLED_TEST_MS = 2 * RUN_TIMEOUT_MS;

const scenarioFile = (name: string): string => suiteFiles('inside').find((f) => f.endsWith(`/${name}.yaml`))!;

describe.skipIf(!DATABASE)(`the inside suite on PostgreSQL${DATABASE ? '' : ' (skipped: PAYHARNESS_TEST_DATABASE_URL is not set)'}`, () => {
  it.concurrent(`passes on the clean sandbox with seeds ${CLEAN_SEEDS.join(', ')}, every check judging something, and leaves no process or link behind`, async () => {
    const problems: string[] = [];
    // One seed at a time: the pool's other slots go to the bug runs.
    for (const seed of CLEAN_SEEDS) {
      const r = await pool(() => runDemo({ inside: true, seed, outDir: join(out, `clean-${seed}`) }));
      const scenarios = r.verdict.scenarios.map((s) => s.name).sort();
      if (scenarios.join() !== ['database-cuts', 'provider-crash'].join()) problems.push(`seed ${seed}: judged ${scenarios.join(', ')}`);
      for (const s of r.verdict.scenarios) {
        for (const c of s.checks) {
          if (c.verdict !== 'pass') problems.push(`seed ${seed} ${s.name}/${c.name}: ${c.verdict} — ${c.error ?? c.witnesses[0]?.summary}`);
          else if (!(c.judged && c.judged > 0)) problems.push(`seed ${seed} ${s.name}/${c.name}: passed having judged nothing`);
        }
      }
      if (r.exitCode !== 0) problems.push(`seed ${seed}: exit ${r.exitCode}`);
      const left = await insideLeftovers(r.runDir);
      problems.push(...left.problems.map((p) => `seed ${seed}: ${p}`));
      // Three starts: the first, and one restart per crash.
      if (left.processes < 3 || left.links !== 1) problems.push(`seed ${seed}: ${left.processes} provider starts and ${left.links} links recorded`);
      const history = readFileSync(join(r.runDir, 'history.jsonl'), 'utf8');
      if (!history.includes('"event":"connected"')) problems.push(`seed ${seed}: the database link was never seen in use`);
      if ((history.match(/"event":"crashed"/g) ?? []).length === 0) problems.push(`seed ${seed}: no crash was recorded`);
      if (!readdirSync(r.runDir).includes('provider.log')) problems.push(`seed ${seed}: no provider.log in the run directory`);
    }
    expect(problems).toEqual([]);
  }, RUN_TIMEOUT_MS * (CLEAN_SEEDS.length + 1));

  // The crash run (provider-crash) takes longest: it starts first.
  const bugs = Object.entries(INSIDE_BUG_TO_CHECK).sort(([, a], [, b]) => Number(b.scenario === 'provider-crash') - Number(a.scenario === 'provider-crash'));
  for (const [bug, { scenario, check }] of bugs) {
    const available = CHECK_NAMES.includes(check);
    it.skipIf(!available).concurrent(`${bug}: ${scenario} fails ${check} with a witness, and leaves nothing behind${available ? '' : ` (skipped: no ${check} check on this branch)`}`, async () => {
      const loaded = loadScenario(scenarioFile(scenario));
      // The scenario judges what the suite lists; a bug's own check joins it when the suite does not list it yet.
      if (!loaded.checks.some((c) => c.name === check)) loaded.checks.push({ name: check });
      const r = await pool(() => runDemo({ inside: true, bugs: [bug], seed: 7, outDir: join(out, bug), scenarios: [loaded] }));
      const verdict = r.verdict.scenarios[0]!.checks.find((c) => c.name === check);
      expect(`${verdict?.verdict}: ${verdict?.error ?? verdict?.witnesses[0]?.summary}`).toMatch(/^fail: /);
      expect(verdict!.witnesses[0]!.records.length).toBeGreaterThan(0);
      expect(r.exitCode).toBe(1);
      expect((await insideLeftovers(r.runDir)).problems).toEqual([]);
    }, POOLED_TEST_MS);
  }

  it.concurrent('stops the provider and deletes the link on SIGINT (exit 130, partial history kept)', () => pool(async () => {
    const runDir = join(out, 'sigint');
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'harness/cli/main.ts'), 'demo', '--inside', '--seed', '5', '--out', runDir], {
      cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupt once the workload runs: the provider is up and the link in use.
    const deadline = Date.now() + 300_000;
    while (!/chaos database-cuts: [1-9]\d* operations/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const left = await insideLeftovers(runDir);
    expect(left.processes).toBeGreaterThan(0);
    expect(left.links).toBe(1);
    expect(left.problems).toEqual([]);
    expect(readFileSync(join(runDir, 'history.jsonl'), 'utf8')).toContain('"status":"interrupted"');
  }), POOLED_TEST_MS);

  it.skipIf(!TOXIPROXY_URL).concurrent(`runs the inside suite against a real Toxiproxy${TOXIPROXY_URL ? '' : ' (skipped: TOXIPROXY_URL is not set)'}`, async () => {
    const r = await pool(() => runDemo({ inside: true, seed: 11, toxiproxyUrl: TOXIPROXY_URL, outDir: join(out, 'toxiproxy') }));
    const failed = r.verdict.scenarios.flatMap((s) => s.checks.filter((c) => c.verdict !== 'pass').map((c) => `${s.name}/${c.name}: ${c.verdict}`));
    expect(failed).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect((await insideLeftovers(r.runDir)).problems).toEqual([]);
  }, POOLED_TEST_MS);
});

describe('demo --inside without PostgreSQL', () => {
  // Two CLI starts, each refused before it starts anything: they can run side by side.
  it.concurrent('says it needs PostgreSQL and exits 4', async () => {
    const env = { ...process.env };
    delete env.PAYHARNESS_TEST_DATABASE_URL;
    const result = await runCli(['demo', '--inside', '--out', join(out, 'no-postgres')], { env: { ...env, PAYHARNESS_TEST_DATABASE_URL: '' }, timeoutMs: 120_000 });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('demo --inside needs a PostgreSQL');
    expect(result.stderr).toContain('PAYHARNESS_TEST_DATABASE_URL');
  }, 150_000);

  it.concurrent('exits 4 when nothing answers at the PostgreSQL it was given', async () => {
    const result = await runCli(['demo', '--inside', '--database', 'postgres://u:secret@127.0.0.1:1/db', '--out', join(out, 'no-answer')], { timeoutMs: 120_000 });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('none answers at 127.0.0.1:1');
    expect(result.stderr).not.toContain('secret');
  }, 150_000);
});
