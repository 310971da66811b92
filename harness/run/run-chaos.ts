import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { join, resolve } from 'node:path';
import type { ApiProfile } from '../config/profile-types.js';
import type { Scenario } from '../config/scenario-types.js';
import { loadProfile } from '../config/profile.js';
import { loadScenarios } from '../config/scenario.js';
import { HistoryRecorder } from '../history/recorder.js';
import { Nemesis } from '../faults/nemesis.js';
import { startWebhookSink, type WebhookSink } from '../webhooks/sink.js';
import { PaymentClient } from '../workload/client.js';
import { Prng, randomSeed } from '../workload/prng.js';
import { readField } from '../workload/request.js';
import { assertTargetAllowed } from '../safety.js';
import { ExitCode, InfraError, InterruptedError, UsageError } from '../errors.js';
import { redactJson } from '../redact.js';
import { writeReports } from '../report/index.js';
import { runScenario } from './run-scenario.js';
import { ProgressLine } from './progress.js';
import { exitCodeOf, judgeRun, type RunMeta, type VerdictFile } from './verdict.js';
import { startTarget, startToxiproxy, type Service } from './services.js';
import { startLagMonitor, type LagMonitor } from './lag-monitor.js';

export interface ChaosOptions {
  /** Scenario files, or scenarios already loaded. */
  scenarios: readonly (string | Scenario)[];
  /** Base URL of the API under test; absent → the sandbox starts in-process. */
  target?: string;
  /** Profile file or built-in name (`sandbox`), or a loaded profile. */
  profile?: string | ApiProfile;
  /** A real Toxiproxy's API URL; absent → the embedded proxy starts in-process. */
  toxiproxyUrl?: string;
  seed?: number;
  /** Run directory; default `reports/<run-id>`. */
  outDir?: string;
  /** Non-loopback hosts the user allowed (`--allow-target`). */
  allowTargets?: readonly string[];
  /** Planted sandbox bugs (only when the sandbox is started here). */
  bugs?: readonly string[];
  /** Sandbox time scale when started here; the profile's retry policy is scaled to match. Default 0.05. */
  timeScale?: number;
  /** Where the progress line goes (the CLI passes process.stderr); none by default. */
  progress?: NodeJS.WriteStream;
  /** Handle SIGINT/SIGTERM: heal, keep the partial history, exit code 130. The CLI turns this on. */
  handleSignals?: boolean;
  /** Aborting it interrupts the run like SIGINT does. */
  signal?: AbortSignal;
}

export interface ChaosResult {
  runId: string;
  runDir: string;
  seed: number;
  verdict: VerdictFile;
  /** 0 pass, 1 fail, 2 unknown, 130 interrupted. */
  exitCode: number;
  interrupted: boolean;
}

export const DEFAULT_SANDBOX_TIME_SCALE = 0.05;

function newRunId(): string {
  // A 'T' between date and time: 14 digits in a row could look like a card number to the redactor.
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `ph-${stamp}-${randomBytes(3).toString('hex')}`;
}

function resolveProfile(options: ChaosOptions, scenarios: readonly Scenario[]): ApiProfile {
  if (options.profile !== undefined) return typeof options.profile === 'string' ? loadProfile(options.profile) : structuredClone(options.profile);
  const named = [...new Set(scenarios.map((s) => s.profile ?? 'sandbox'))];
  if (named.length > 1) {
    throw new UsageError('E_PROFILE_MIXED', `the scenarios name different profiles (${named.join(', ')}); one run talks to one API`, {
      hint: 'run them separately, or pass --profile to use one profile for all',
    });
  }
  return loadProfile(named[0]!);
}

/** Runs chaos scenarios end to end and judges them; the programmatic face of `payharness chaos run`. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const scenarios = loadScenarios(options.scenarios.filter((s): s is string => typeof s === 'string'))
    .concat(options.scenarios.filter((s): s is Scenario => typeof s !== 'string'));
  if (scenarios.length === 0) throw new UsageError('E_NO_SCENARIOS', 'no scenarios to run', { hint: 'pass one or more scenario files, e.g. scenarios/chaos/*.yaml' });
  const profile = resolveProfile(options, scenarios);
  if (options.target) assertTargetAllowed(options.target, options.allowTargets ?? []);
  if (options.target && options.bugs?.length) throw new UsageError('E_BUGS_WITH_TARGET', '--bug only applies to the built-in sandbox', { hint: 'leave out --target to run against the sandbox with planted bugs' });
  const timeScale = options.timeScale ?? DEFAULT_SANDBOX_TIME_SCALE;
  if (!options.target && profile.webhooks) profile.webhooks.retryPolicy.timeScale = timeScale;

  const runId = newRunId();
  const seed = options.seed ?? randomSeed();
  const runDir = resolve(options.outDir ?? join('reports', runId));
  const recorder = new HistoryRecorder({ file: join(runDir, 'history.jsonl') });
  const abort = new AbortController();
  // Every in-flight request and backoff listens to it; many at once is expected, not a leak.
  setMaxListeners(0, abort.signal);
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    abort.abort();
  };
  options.signal?.addEventListener('abort', onSignal, { once: true });
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  let toxiproxy: Service | undefined;
  let target: Service | undefined;
  let nemesis: Nemesis | undefined;
  let sink: WebhookSink | undefined;
  let client: PaymentClient | undefined;
  let callbacksProxyUrl: string | undefined;
  let current = '';
  const progress = new ProgressLine(options.progress, () => ({
    scenario: current, operations: client?.sent ?? 0, faultsActive: nemesis?.activeNames().length ?? 0, deliveries: sink?.received ?? 0, pending: sink?.pending({ earlySlackMs: 0, lateSlackMs: 0 }) ?? 0,
  }));
  let lagMonitor: LagMonitor | undefined;
  let failure: unknown;
  try {
    // The proxy first: whether it can apply http_* faults decides if the scenarios can run at all.
    toxiproxy = await startToxiproxy({ toxiproxyUrl: options.toxiproxyUrl, seed });
    nemesis = await Nemesis.connect(toxiproxy.url, runId, recorder, { profile, seed });
    for (const s of scenarios) nemesis.assertSupports(s.faults, s.name);
    target = await startTarget({ target: options.target, bugs: options.bugs, timeScale, seed });
    const targetUrl = new URL(target.url);
    const api = await nemesis.createProxy('api', `${targetUrl.hostname}:${targetUrl.port || (targetUrl.protocol === 'https:' ? 443 : 80)}`);
    if (profile.webhooks) {
      sink = await startWebhookSink(profile.webhooks, recorder);
      callbacksProxyUrl = (await nemesis.createProxy('callbacks', new URL(sink.url).host)).url;
    }
    const meta: RunMeta = {
      profile: redactJson(profile),
      scenarios: scenarios.map((s) => ({ name: s.name, file: s.file, checks: s.checks })),
      proxies: { api: nemesis.proxyName('api'), callbacks: nemesis.proxyName('callbacks') },
      target: options.target ?? 'sandbox (in-process)',
      bugs: [...(options.bugs ?? [])],
    };
    recorder.append({ kind: 'run', time: 0, runId, seed, startedAt: new Date(recorder.startedAtMs).toISOString(), meta: meta as unknown as Record<string, unknown> });
    // Scheduling noise goes into the history, so timing checks can tell it from a broken schedule.
    lagMonitor = startLagMonitor(recorder);
    client = new PaymentClient({ baseUrl: api.url, profile, recorder, timeoutMs: Math.max(...scenarios.map((s) => s.workload.client.timeoutMs)), signal: abort.signal });
    if (sink && profile.webhooks && callbacksProxyUrl) {
      // The provider calls the sink through the callbacks proxy, so callback faults apply.
      const callbacksUrl = `${callbacksProxyUrl}/webhooks`;
      const reg = await client.perform('registerWebhook', { url: callbacksUrl, events: profile.webhooks.events, idempotencyKey: `${runId}-webhook` }, { process: 0, logicalId: 'register-webhook' }, { attempts: 3, backoffMs: 100, multiplier: 2, on: ['timeout', 'reset', '5xx'] });
      if (reg.outcome !== 'ok') {
        throw new InfraError('E_WEBHOOK_REGISTER', `could not register the webhook sink with the target (${reg.status ?? reg.failure})`, { hint: 'check the profile\'s webhooks.register and the target\'s credentials' });
      }
      const secret = readField(reg.body, profile.webhooks.secretPath);
      sink.setSecret(typeof secret === 'string' ? secret : undefined);
    }
    options.progress?.write(`chaos: run ${runId}, seed ${seed} (replay with --seed ${seed}), ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}, writing ${runDir}\n`);
    progress.start();
    const rng = new Prng(seed);
    for (const [index, scenario] of scenarios.entries()) {
      if (abort.signal.aborted) break;
      current = scenario.name;
      await runScenario({
        runId, index, profile, recorder, nemesis, sink, client, targetUrl: target.url, rng, signal: abort.signal, onFlowDone: () => undefined,
      }, scenario);
    }
  } catch (error) {
    failure = error;
  } finally {
    progress.stop();
    lagMonitor?.stop();
    const problems: string[] = [];
    if (nemesis) {
      problems.push(...(await nemesis.healAll()));
      await nemesis.pollDecisions().catch(() => undefined);
      problems.push(...(await nemesis.deleteProxies()));
    }
    recorder.setScenario(undefined);
    if (problems.length) recorder.append({ kind: 'note', message: `cleanup problems: ${problems.join('; ')}` });
    recorder.append({
      kind: 'run-end', status: interrupted ? 'interrupted' : failure ? 'error' : 'completed',
      ...(failure ? { message: failure instanceof Error ? failure.message : String(failure) } : {}),
    });
    await client?.close();
    await sink?.close().catch(() => undefined);
    await target?.close().catch(() => undefined);
    await toxiproxy?.close().catch(() => undefined);
    await recorder.close().catch((e: unknown) => (failure ??= e));
    if (options.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  if (failure && !interrupted) throw failure;
  if (!recorder.records.some((r) => r.kind === 'run')) {
    throw new InterruptedError('interrupted while starting; nothing ran, nothing is left behind');
  }
  const verdict = judgeRun(recorder.records);
  await writeReports(runDir, { history: recorder.records, verdict });
  return { runId, runDir, seed, verdict, exitCode: interrupted ? ExitCode.interrupted : exitCodeOf(verdict.verdict), interrupted };
}
