import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/index.js';
import { SANDBOX_PROFILE } from '../harness/config/sandbox-profile.js';
import { readHistory } from '../harness/history/recorder.js';
import { runChaos } from '../harness/run/run-chaos.js';
import { runLoad } from '../harness/load/run-load.js';
import { runContractChaos } from '../harness/contracts/chaos/run-contract-chaos.js';
import { loadPactFile } from '../harness/contracts/pact-file.js';
import { exitCodeOf, judgeRun, nothingJudged, type VerdictFile } from '../harness/run/verdict.js';
import type { RunOutcome } from '../harness/run/run-session.js';
import { repoRoot, runCli } from './cli-helpers.js';

/**
 * Every run kind (chaos, load on the built-in engine, contract chaos) goes through the one run core:
 * same four files, and `payharness check` on the directory gives the verdict and exit code the run gave.
 * Runs are tiny; the bounds are for a busy 2-core machine where starting the sandbox alone takes seconds.
 */
const RUN_MS = 240_000;
const dir = mkdtempSync(join(tmpdir(), 'ph-kinds-'));
const pact = () => [loadPactFile(join(repoRoot, 'contracts/pacts/checkout-service-payharness-sandbox.json'))];

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const chaosScenario = () => file('chaos.yaml', `name: kinds-chaos
workload:
  flows: 3
  concurrency: 1
  mix: {charge: 1}
faults:
  - {type: latency, proxy: api, attributes: {latency: 5}}
checks: [exactly-once, money-invariants]
`);

const loadScenario = (name: string, threshold: string) => file(`${name}.yaml`, `name: ${name}
scenarios:
  pay: { executor: constant-arrival-rate, rate: 4, duration: 1s, preAllocatedVUs: 2, maxVUs: 4 }
thresholds:
  http_req_duration: ["${threshold}"]
checks: [exactly-once, money-invariants]
`);

/** What re-judging the saved history gives, the way `payharness check` computes it. */
async function rejudge(runDir: string): Promise<{ verdict: VerdictFile; exitCode: number }> {
  const verdict = judgeRun(await readHistory(join(runDir, 'history.jsonl')));
  return { verdict, exitCode: exitCodeOf(verdict.verdict) };
}

function expectRunFiles(result: RunOutcome): void {
  for (const name of ['history.jsonl', 'verdict.json', 'junit.xml', 'report.html']) expect(existsSync(join(result.runDir, name)), name).toBe(true);
  expect(JSON.parse(readFileSync(join(result.runDir, 'verdict.json'), 'utf8'))).toMatchObject({ verdict: result.verdict.verdict, runId: result.runId });
}

const checkNames = (verdict: VerdictFile): string[] => [...new Set(verdict.scenarios.flatMap((s) => s.checks.map((c) => c.name)))].sort();

describe('every run kind writes the same files and re-judges to the same verdict', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    sandbox = await startSandbox({ providerStates: true, quiet: true });
  }, RUN_MS);
  afterAll(() => sandbox.close());

  it('chaos', async () => {
    const result = await runChaos({ scenarios: [chaosScenario()], seed: 7, outDir: join(dir, 'chaos') });
    expectRunFiles(result);
    expect(result.runId).toMatch(/^ph-\d{8}T\d{6}-[0-9a-f]{6}$/);
    expect(await rejudge(result.runDir)).toEqual({ verdict: result.verdict, exitCode: result.exitCode });
  }, RUN_MS);

  it('load on the built-in engine, with a threshold that holds', async () => {
    const result = await runLoad({ scenarioFile: loadScenario('load-pass', 'p(50)<60000'), target: sandbox.url, seed: 7, outDir: join(dir, 'load-pass') });
    expectRunFiles(result);
    expect(existsSync(join(result.runDir, 'summary.json'))).toBe(true);
    expect(result.runId).toMatch(/^ph-\d{8}T\d{6}-[0-9a-f]{6}$/);
    expect(result.verdicts.find((v) => v.name === 'thresholds-met')).toMatchObject({ verdict: 'pass', judged: 1 });
    expect(result.exitCode).toBe(0);
    expect(await rejudge(result.runDir)).toEqual({ verdict: result.verdict, exitCode: 0 });
  }, RUN_MS);

  it('load whose threshold fails: exit 1, and `payharness check` also exits 1 naming the threshold', async () => {
    const result = await runLoad({ scenarioFile: loadScenario('load-fail', 'p(50)<0.001'), target: sandbox.url, seed: 7, outDir: join(dir, 'load-fail') });
    expectRunFiles(result);
    expect(result.exitCode).toBe(1);
    const thresholds = result.verdicts.find((v) => v.name === 'thresholds-met')!;
    expect(thresholds.verdict).toBe('fail');
    expect(thresholds.witnesses[0]!.summary).toMatch(/threshold http_req_duration 'p\(50\)<0.001' crossed/);
    expect(await rejudge(result.runDir)).toEqual({ verdict: result.verdict, exitCode: 1 });
    const cli = await runCli(['check', result.runDir], { timeoutMs: RUN_MS - 30_000 });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/fail\s+thresholds-met/);
  }, RUN_MS);

  it('contract chaos, with responses-match-schema judged as a registered check', async () => {
    const result = await runContractChaos({ pacts: pact(), providerBaseUrl: sandbox.url, profile: SANDBOX_PROFILE, seed: 3, outDir: join(dir, 'contracts') });
    expectRunFiles(result);
    expect(result.runId).toMatch(/^ph-\d{8}T\d{6}-[0-9a-f]{6}$/);
    expect(checkNames(result.verdict)).toContain('responses-match-schema');
    expect(result.verdict.scenarios.every((s) => s.checks.some((c) => c.name === 'responses-match-schema'))).toBe(true);
    expect(await rejudge(result.runDir)).toEqual({ verdict: result.verdict, exitCode: result.exitCode });
  }, RUN_MS);
});

describe('an interrupted run of any kind heals, keeps its partial history and ends 130', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    sandbox = await startSandbox({ providerStates: true, quiet: true });
  }, RUN_MS);
  afterAll(() => sandbox.close());

  /** Aborts once the run has recorded a completed request: it is under way, faults in place. */
  function abortWhenUnderway(runDir: string): AbortController {
    const controller = new AbortController();
    const timer = setInterval(() => {
      const history = existsSync(join(runDir, 'history.jsonl')) ? readFileSync(join(runDir, 'history.jsonl'), 'utf8') : '';
      if (history.includes('"kind":"complete"')) {
        clearInterval(timer);
        controller.abort();
      }
    }, 50);
    controller.signal.addEventListener('abort', () => clearInterval(timer));
    return controller;
  }

  async function expectInterrupted(result: RunOutcome): Promise<void> {
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(130);
    const history = await readHistory(join(result.runDir, 'history.jsonl'));
    expect(history.find((r) => r.kind === 'run-end')).toMatchObject({ status: 'interrupted' });
    const phases = (phase: string) => history.filter((r) => r.kind === 'fault' && r.phase === phase).length;
    expect(phases('heal')).toBe(phases('start'));
    expect(JSON.parse(readFileSync(join(result.runDir, 'verdict.json'), 'utf8'))).toMatchObject({ interrupted: true });
  }

  it('load', async () => {
    const out = join(dir, 'interrupted-load');
    const scenarioFile = file('long-load.yaml', `name: long-load
scenarios:
  pay: { executor: constant-arrival-rate, rate: 5, duration: 60s, preAllocatedVUs: 2, maxVUs: 4 }
faults:
  - { type: latency, attributes: { latency: 5 } }
checks: [exactly-once]
`);
    const result = await runLoad({ scenarioFile, target: sandbox.url, seed: 2, outDir: out, signal: abortWhenUnderway(out).signal });
    await expectInterrupted(result);
    expect(result.summary.state.testRunDurationMs).toBeLessThan(60_000);
  }, RUN_MS);

  it('contract chaos', async () => {
    const out = join(dir, 'interrupted-contracts');
    const result = await runContractChaos({ pacts: pact(), providerBaseUrl: sandbox.url, profile: SANDBOX_PROFILE, seed: 2, outDir: out, signal: abortWhenUnderway(out).signal });
    await expectInterrupted(result);
  }, RUN_MS);
});

describe('--out into a directory that already holds files', () => {
  const occupied = (name: string): string => {
    const out = join(dir, name);
    mkdirSync(out);
    writeFileSync(join(out, 'history.jsonl'), '{"kind":"note","message":"an earlier run"}\n');
    return out;
  };
  const refused = { code: 'E_OUT_NOT_EMPTY', exitCode: 3 };

  it('is refused by every run kind (exit 3) and the old history is left as it was', async () => {
    const chaosOut = occupied('old-chaos');
    await expect(runChaos({ scenarios: [chaosScenario()], outDir: chaosOut })).rejects.toMatchObject(refused);
    const loadOut = occupied('old-load');
    await expect(runLoad({ scenarioFile: loadScenario('old', 'p(50)<1000'), outDir: loadOut })).rejects.toMatchObject(refused);
    const contractsOut = occupied('old-contracts');
    await expect(runContractChaos({ pacts: pact(), providerBaseUrl: 'http://127.0.0.1:9', profile: SANDBOX_PROFILE, outDir: contractsOut })).rejects.toMatchObject(refused);
    for (const out of [chaosOut, loadOut, contractsOut]) expect(readFileSync(join(out, 'history.jsonl'), 'utf8')).toBe('{"kind":"note","message":"an earlier run"}\n');
  }, RUN_MS);

  it('the CLI says so and how to fix it', async () => {
    const out = occupied('old-cli');
    const result = await runCli(['chaos', 'run', chaosScenario(), '--out', out], { timeoutMs: RUN_MS - 30_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/--out .*old-cli is not empty \(history\.jsonl\)/);
    expect(result.stderr).toContain('hint: pass a new or empty directory for --out');
  }, RUN_MS);
});

describe('an API that refuses every request', () => {
  let refusing: http.Server;
  let url: string;
  beforeAll(async () => {
    refusing = http.createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => refusing.close(() => resolve())));

  const expectNothingJudged = (result: RunOutcome): void => {
    expect(result.exitCode).not.toBe(0);
    expect(result.verdict.verdict).not.toBe('pass');
    expect(nothingJudged(result.verdict)).toMatch(/^nothing could be judged: .*401/);
  };

  it('chaos run ends non-zero saying nothing could be judged', async () => {
    const { webhooks: _webhooks, ...withoutWebhooks } = SANDBOX_PROFILE;
    const result = await runChaos({ scenarios: [chaosScenario()], target: url, profile: withoutWebhooks, seed: 1, outDir: join(dir, 'refused-chaos') });
    expectNothingJudged(result);
  }, RUN_MS);

  it('chaos run with a webhook profile stops at the webhook registration (exit 4) and says why', async () => {
    await expect(runChaos({ scenarios: [chaosScenario()], target: url, seed: 1, outDir: join(dir, 'refused-webhooks') }))
      .rejects.toMatchObject({ code: 'E_WEBHOOK_REGISTER', exitCode: 4, message: expect.stringMatching(/answered 401: unauthorized; no workload ran, so nothing could be judged/) });
  }, RUN_MS);

  it('load run ends non-zero saying nothing could be judged (not ✓ on every check)', async () => {
    const result = await runLoad({ scenarioFile: loadScenario('refused', 'p(50)<60000'), target: url, seed: 1, outDir: join(dir, 'refused-load') });
    expectNothingJudged(result);
    expect(result.verdicts.some((v) => v.name === 'workload-reached-target' && v.verdict === 'unknown')).toBe(true);
  }, RUN_MS);

  it('contracts chaos ends non-zero saying nothing could be judged', async () => {
    const result = await runContractChaos({ pacts: pact(), providerBaseUrl: url, profile: SANDBOX_PROFILE, seed: 1, outDir: join(dir, 'refused-contracts') });
    expectNothingJudged(result);
  }, RUN_MS);
});
