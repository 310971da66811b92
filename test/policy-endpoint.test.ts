import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { loadProfile } from '../harness/config/profile.js';
import { readHistory } from '../harness/history/recorder.js';
import type { RunStart } from '../harness/history/types.js';
import type { ApiProfile } from '../harness/config/profile-types.js';
import { runChaos } from '../harness/run/run-chaos.js';
import { checkProfile } from '../harness/profile/profile-check.js';
import { judgeRun } from '../harness/run/verdict.js';

/**
 * The sandbox publishes its retry policy (GET /v1/webhook_policy), time scale included; a profile that
 * reads it from there is judged on the schedule the sandbox really follows. The sandbox runs at a time
 * scale no profile states (0.04), so only the published one keeps retry-schedule in step.
 */
const RUN_MS = 240_000;
const dir = mkdtempSync(join(tmpdir(), 'ph-policy-'));
const example = fileURLToPath(new URL('../examples/profiles/sandbox-policy-endpoint.yaml', import.meta.url));
const callbacks = fileURLToPath(new URL('../scenarios/chaos/callbacks.yaml', import.meta.url));
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.04, quiet: true, seed: 9 });
}, RUN_MS);
afterAll(async () => sandbox?.close());

describe('the sandbox profile reading its retry policy from GET /v1/webhook_policy', () => {
  it('judges the callbacks scenario on the published policy and records the policy it read', async () => {
    const result = await runChaos({ scenarios: [callbacks], target: sandbox.url, profile: example, seed: 9, outDir: join(dir, 'run') });
    const checks = result.verdict.scenarios[0]!.checks;
    // A schedule at the wrong scale (the sandbox's 1000 ms unscaled, say) fails retry-schedule with early
    // retries; on a machine stalled for seconds it may say unknown with the lag it measured, never fail.
    const timingDoubt = (c: (typeof checks)[number]): boolean => c.name === 'retry-schedule' && c.verdict === 'unknown' && /event loop ran|scheduling lag/.test(c.error ?? '');
    expect(checks.filter((c) => c.verdict !== 'pass' && !timingDoubt(c)).map((c) => `${c.name}: ${c.verdict} ${c.error ?? c.witnesses[0]?.summary}`)).toEqual([]);
    expect(checks.map((c) => c.name).sort()).toEqual(['callbacks-delivered', 'events-match-payments', 'lifecycle-transitions', 'retries-keep-event-id', 'retry-schedule', 'signatures-valid']);
    expect(checks.find((c) => c.name === 'retry-schedule')!.judged).toBeGreaterThan(0);
    const history = await readHistory(join(result.runDir, 'history.jsonl'));
    const run = history.find((r): r is RunStart => r.kind === 'run')!;
    const recorded = (run.meta.profile as ApiProfile).webhooks!.retryPolicy;
    expect(recorded).toMatchObject({ initialIntervalMs: 1000, multiplier: 2, maxAttempts: 6, honoursRetryAfter: true, stopOn: [410], timeScale: 0.04 });
    // `payharness check --profile` with the same file cannot ask the API: it judges on the policy the run read.
    expect(judgeRun(history, { profile: loadProfile(example) }).scenarios[0]!.checks.map((c) => [c.name, c.verdict]))
      .toEqual(checks.map((c) => [c.name, c.verdict]));
  }, RUN_MS);

  it('profile check shows the policy it read', async () => {
    const result = await checkProfile({ target: sandbox.url, profile: loadProfile(example), callbackWaitMs: 5_000 });
    const line = result.lines.find((l) => l.op === 'retryPolicy')!;
    expect(line).toMatchObject({ mark: 'ok', path: '/v1/webhook_policy' });
    expect(JSON.parse(line.value!)).toMatchObject({ initialIntervalMs: 1000, timeScale: 0.04 });
  }, RUN_MS);
});
