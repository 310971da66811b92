import type { ApiProfile } from '../config/profile-types.js';
import type { Scenario } from '../config/scenario-types.js';
import { loadProfile } from '../config/profile.js';
import { loadScenarios } from '../config/scenario.js';
import { startWebhookSink, type WebhookSink } from '../webhooks/sink.js';
import { PaymentClient } from '../workload/client.js';
import { Prng, randomSeed } from '../workload/prng.js';
import { maskField, readField } from '../workload/request.js';
import { assertTargetAllowed } from '../safety.js';
import { InfraError, UsageError } from '../errors.js';
import { redactJson } from '../redact.js';
import { runScenario } from './run-scenario.js';
import { answerMessage } from '../workload/answer-message.js';
import { applyRetryPolicySource } from '../profile/retry-policy-source.js';
import { ProgressLine } from './progress.js';
import { fitSuiteToProfile } from './suite-fit.js';
import { refuseInapplicableChecks } from '../checks/index.js';
import { refuseUnmappedKinds } from './receiver-kinds.js';
import { RunSession, type RunOutcome } from './run-session.js';
import type { DependencySpec } from '../config/scenario-types.js';
import { assertInsideUsable, startDependencies, type InsideOptions } from './inside-services.js';

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
  /**
   * The scenarios are a shipped suite written for every API: what the profile cannot support is left
   * out with a note (suite-fit.ts) instead of refusing the run. Off for scenario files a user names.
   */
  fitToProfile?: boolean;
  /** Where the progress line goes (the CLI passes process.stderr); none by default. */
  progress?: NodeJS.WriteStream;
  /** Handle SIGINT/SIGTERM: heal, keep the partial history, exit code 130. The CLI turns this on. */
  handleSignals?: boolean;
  /** Aborting it interrupts the run like SIGINT does. */
  signal?: AbortSignal;
  /** Stamped as `target` on every history record (a differential run names its sides). */
  targetName?: string;
  /** Start the provider with this shell command (`--target-command`); it answers at `target`. Crash faults need it. */
  targetCommand?: string;
  /** Replaces parts of the scenarios' dependency declarations by name (the demo's free ports). */
  dependencies?: Record<string, Partial<DependencySpec>>;
  /** How long the provider has to show traffic on each dependency link once it answers, ms (default 10 s). */
  linkCheckMs?: number;
  /** How long one start of --target-command may take to answer, ms (default 60 s). */
  readyTimeoutMs?: number;
}

/** What a chaos run ends with (the one run core's outcome). */
export type ChaosResult = RunOutcome;

export const DEFAULT_SANDBOX_TIME_SCALE = 0.05;

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
  const loaded = loadScenarios(options.scenarios.filter((s): s is string => typeof s === 'string'))
    .concat(options.scenarios.filter((s): s is Scenario => typeof s !== 'string'));
  if (loaded.length === 0) throw new UsageError('E_NO_SCENARIOS', 'no scenarios to run', { hint: 'pass one or more scenario files, e.g. scenarios/chaos/*.yaml' });
  const profile = resolveProfile(options, loaded);
  const fitted = options.fitToProfile ? fitSuiteToProfile(profile, loaded) : { scenarios: loaded, notes: [] };
  const scenarios = fitted.scenarios;
  for (const note of fitted.notes) options.progress?.write(`chaos: ${note}\n`);
  if (scenarios.length === 0) throw new UsageError('E_NO_SCENARIOS', `no scenario of the suite can run against profile ${profile.name}: ${fitted.notes.join('; ')}`);
  // A check that cannot apply to this API could only end `unknown`: refuse before anything starts.
  for (const s of scenarios) refuseInapplicableChecks(profile, s.name, s.checks.map((c) => c.name));
  for (const s of scenarios) refuseUnmappedKinds(profile, s);
  if (options.target) assertTargetAllowed(options.target, options.allowTargets ?? []);
  const inside: InsideOptions = { ...options, scenarios };
  assertInsideUsable(inside);
  if (options.target && options.bugs?.length) throw new UsageError('E_BUGS_WITH_TARGET', '--bug only applies to the built-in sandbox', { hint: 'leave out --target to run against the sandbox with planted bugs' });
  const timeScale = options.timeScale ?? DEFAULT_SANDBOX_TIME_SCALE;
  if (!options.target && profile.webhooks) profile.webhooks.retryPolicy.timeScale = timeScale;

  const session = new RunSession({ kind: 'chaos', seed: options.seed ?? randomSeed(), outDir: options.outDir, handleSignals: options.handleSignals, signal: options.signal, targetName: options.targetName });
  const { runId, recorder, seed } = session;
  let sink: WebhookSink | undefined;
  let client: PaymentClient | undefined;
  let current = '';
  let callbacksProxy: string | undefined;
  const progress = new ProgressLine(options.progress, () => ({
    scenario: current, operations: client?.sent ?? 0, faultsActive: session.nemesis?.activeNames().length ?? 0, deliveries: sink?.received ?? 0, pending: sink?.pending({ earlySlackMs: 0, lateSlackMs: 0 }) ?? 0,
  }));
  let failure: unknown;
  try {
    // The proxy first: whether it can apply http_* faults decides if the scenarios can run at all.
    const nemesis = await session.connectNemesis(options.toxiproxyUrl, profile);
    for (const s of scenarios) nemesis.assertSupports(s.faults, s.name);
    // Dependency links exist before the provider starts (it must connect through them), and are seen in use before any fault.
    const inner = await startDependencies(session, nemesis, inside);
    const target = inner.target ?? await session.startTarget({ target: options.target, bugs: options.bugs, timeScale, seed, basePath: profile.basePath });
    await inner.verifyLinks();
    // A policy the profile reads from the API's policy endpoint is read now, before anything judges it.
    await applyRetryPolicySource(profile, target.url, session.signal);
    const api = await session.proxy('api', target.url);
    if (profile.webhooks) {
      const started = await startWebhookSink(profile.webhooks, recorder);
      sink = started;
      session.onClose(() => started.close());
      callbacksProxy = (await session.proxy('callbacks', started.url)).url;
    }
    session.start({
      profile: redactJson(profile),
      scenarios: scenarios.map((s) => ({ name: s.name, file: s.file, checks: s.checks })),
      target: options.target ?? 'sandbox (in-process)',
      bugs: [...(options.bugs ?? [])],
      ...(fitted.notes.length ? { leftOut: fitted.notes } : {}),
      ...inner.meta,
    });
    const paymentClient = new PaymentClient({ baseUrl: api.url, profile, recorder, timeoutMs: Math.max(...scenarios.map((s) => s.workload.client.timeoutMs)), signal: session.signal });
    client = paymentClient;
    session.onClose(() => paymentClient.close());
    if (sink && profile.webhooks && callbacksProxy) {
      // The provider calls the sink through the callbacks proxy, so callback faults apply.
      const reg = await paymentClient.perform('registerWebhook', { url: `${callbacksProxy}/webhooks`, events: profile.webhooks.events, idempotencyKey: `${runId}-webhook` }, { process: 0, logicalId: 'register-webhook' }, { attempts: 3, backoffMs: 100, multiplier: 2, on: ['timeout', 'reset', '5xx'] });
      if (reg.outcome !== 'ok') {
        // The API's own words, without a signing secret or a card number it may echo.
        const said = answerMessage(redactJson(maskField(reg.body, profile.webhooks.secretPath)));
        throw new InfraError('E_WEBHOOK_REGISTER', `could not register the webhook sink with the target: ${reg.sent ?? 'the request'} (the api proxy, in front of ${target.url}) answered ${reg.status ?? reg.failure}${said ? `: ${said}` : ''}; no workload ran, so nothing could be judged`, {
          hint: reg.status === 404 ? 'the target has no such path: check --target (its path is kept, e.g. /api/v2), the profile\'s basePath and webhooks.register.path' : 'check the profile\'s webhooks.register and the target\'s credentials',
        });
      }
      const secret = readField(reg.body, profile.webhooks.secretPath);
      sink.setSecret(typeof secret === 'string' ? secret : undefined);
    }
    options.progress?.write(`chaos: run ${runId}, seed ${seed} (replay with --seed ${seed}), ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}, writing ${session.runDir}\n`);
    progress.start();
    const rng = new Prng(seed);
    for (const [index, scenario] of scenarios.entries()) {
      if (session.signal.aborted) break;
      current = scenario.name;
      await runScenario({
        runId, index, profile, recorder, nemesis, sink, client: paymentClient, targetUrl: target.url, rng, signal: session.signal, onFlowDone: () => undefined, stalledMs: () => session.stalledMs,
        ...(target.setFailRate ? { setFailRate: target.setFailRate } : {}),
      }, scenario);
    }
  } catch (error) {
    failure = error;
  } finally {
    progress.stop();
  }
  return session.finish(failure);
}
