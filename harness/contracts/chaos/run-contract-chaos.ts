import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import type { ApiProfile } from '../../config/profile-types.js';
import { InfraError, UsageError } from '../../errors.js';
import { Nemesis } from '../../faults/nemesis.js';
import { HistoryRecorder } from '../../history/recorder.js';
import { redactJson } from '../../redact.js';
import { writeReports } from '../../report/index.js';
import { recordFinalReads, type TouchedPayment } from '../../run/final-reads.js';
import { startToxiproxy } from '../../run/services.js';
import { exitCodeOf, judgeRun, type RunMeta, type VerdictFile } from '../../run/verdict.js';
import { PaymentClient } from '../../workload/client.js';
import { combineVerdicts } from '../../checks/index.js';
import type { HistoryRecord } from '../../history/types.js';
import { responsesMatchSchema } from './responses-match-schema.js';
import { buildRequest, readField } from '../../workload/request.js';
import { randomSeed } from '../../workload/prng.js';
import type { PactFile } from '../pact-file.js';
import { effectfulInteractions, type EffectfulInteraction } from './effectful.js';
import { EXPERIMENTS, type PreparedReplay } from './experiments.js';
import { STATE_RECIPES, recipeParams } from './state-recipes.js';

export interface ContractChaosOptions {
  pacts: PactFile[];
  providerBaseUrl: string;
  profile: ApiProfile;
  outDir?: string;
  seed?: number;
  /** Copies the concurrent experiment sends. */
  concurrency?: number;
  /** A real Toxiproxy; absent → the embedded proxy (which has the http_* toxics the lost-response experiment needs). */
  toxiproxyUrl?: string;
}

export interface ContractChaosResult {
  runId: string;
  runDir: string;
  verdict: VerdictFile;
  exitCode: number;
  /** Interactions not replayed, with the reason. */
  skipped: string[];
  reports: string[];
}

/** Sets up an interaction's provider states on the provider (not through the proxy); returns the created object. */
async function setUpStates(baseUrl: string, profile: ApiProfile, states: EffectfulInteraction['states']): Promise<unknown> {
  let created: unknown;
  for (const state of states) {
    if (!profile.providerStatesPath) {
      throw new UsageError('E_NO_STATE_ENDPOINT', `the interaction needs provider state "${state.name}" but the profile declares no providerStatesPath`, {
        hint: 'add providerStatesPath to the profile (the sandbox has /_pact/provider-states)',
      });
    }
    const answer = await request(new URL(profile.providerStatesPath, baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: state.name, params: state.params, action: 'setup' }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await answer.body.text();
    if (answer.statusCode >= 300) throw new InfraError('E_STATE_SETUP', `provider state "${state.name}" could not be set up: ${answer.statusCode} ${text.slice(0, 200)}`);
    created = text ? JSON.parse(text) : undefined;
  }
  return created;
}

/**
 * Fresh key and reference for one replay, and its precondition: documented states through the API
 * (recorded in the history, so money they move is accounted for), other states through the
 * provider's state endpoint.
 */
async function prepare(baseUrl: string, profile: ApiProfile, client: PaymentClient, interaction: EffectfulInteraction, suffix: string): Promise<PreparedReplay> {
  const key = `${interaction.idempotencyKey}-${suffix}`;
  const reference = interaction.params.reference === undefined ? `ref-${suffix}` : `${interaction.params.reference}-${suffix}`;
  let id: string | undefined;
  for (const state of interaction.states) {
    const recipe = STATE_RECIPES[state.name];
    if (!recipe) {
      const params = { ...state.params, ...(state.params.key === interaction.idempotencyKey ? { key } : {}), ...(state.params.reference !== undefined ? { reference } : {}) };
      const created = await setUpStates(baseUrl, profile, [{ name: state.name, params }]);
      const found = readField(created, profile.fields.id);
      if (typeof found === 'string') id = found;
      continue;
    }
    for (const [n, step] of recipe.entries()) {
      const params = { ...recipeParams(step, state.params, { ...interaction.params, reference, currency: interaction.params.currency ?? profile.currency }), id, idempotencyKey: step.usesInteractionKey ? key : `setup-${n}-${key}` };
      const answer = await client.attempt(step.op, params, { process: 0, logicalId: `setup-${suffix}`, resourceId: id, amount: params.amount }, 1);
      if (answer.outcome !== 'ok') throw new InfraError('E_STATE_SETUP', `could not bring a payment into "${state.name}" through the API: ${step.op} answered ${answer.status ?? answer.failure}`);
      if (step.op === 'create') id = answer.resourceId;
    }
  }
  if (interaction.op !== 'create' && id === undefined) {
    throw new InfraError('E_STATE_SETUP', `the provider state of "${interaction.description}" produced no payment id (at ${profile.fields.id})`);
  }
  return {
    interaction,
    params: { ...interaction.params, reference, idempotencyKey: key, ...(interaction.op === 'create' ? {} : { id }) },
    logicalId: `contract-${suffix}`,
  };
}

/**
 * Adds responses-match-schema to every scenario: the answers must have the shapes the contracts'
 * schemas describe. (Applied here, not named in the run's meta: `payharness check` re-judges with
 * the registered checks only.)
 */
function withSchemaCheck(verdict: VerdictFile, history: readonly HistoryRecord[], profile: ApiProfile): VerdictFile {
  if (profile.name !== 'sandbox') return verdict;
  const scenarios = verdict.scenarios.map((s) => {
    const checks = [...s.checks, responsesMatchSchema.run(history.filter((r) => r.scenario === s.name), { profile })];
    return { ...s, checks, verdict: combineVerdicts(checks.map((c) => c.verdict)) };
  });
  return { ...verdict, scenarios, verdict: combineVerdicts(scenarios.map((s) => s.verdict)) };
}

/**
 * `payharness contracts chaos`: every effectful interaction of the pacts, replayed through the fault
 * proxy under each experiment (sequential repeat, concurrent copies, lost response then retry, same
 * key with a changed payload), judged by the chaos checks. Same files as `chaos run`: history.jsonl,
 * verdict.json and the reports, one "scenario" per interaction × experiment.
 */
export async function runContractChaos(options: ContractChaosOptions): Promise<ContractChaosResult> {
  const { profile } = options;
  const selected = options.pacts.map((p) => effectfulInteractions(p, profile));
  const interactions = selected.flatMap((s) => s.effectful);
  const skipped = selected.flatMap((s) => s.skipped);
  if (interactions.length === 0) throw new UsageError('E_NO_EFFECTFUL', 'the pacts have no interaction that creates an effect (a non-GET with an idempotency key)', { hint: `skipped: ${skipped.join('; ') || 'none'}` });

  const runId = `ph-contracts-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const seed = options.seed ?? randomSeed();
  const runDir = resolve(options.outDir ?? join('reports', runId));
  const recorder = new HistoryRecorder({ file: join(runDir, 'history.jsonl') });
  const plan = interactions.flatMap((interaction) => EXPERIMENTS.filter((e) => e.applies(interaction)).map((experiment) => ({ interaction, experiment, name: `${interaction.consumer}: ${interaction.description} · ${experiment.name}` })));
  const toxiproxy = await startToxiproxy({ toxiproxyUrl: options.toxiproxyUrl, seed });
  let nemesis: Nemesis | undefined;
  let client: PaymentClient | undefined;
  let failure: unknown;
  try {
    nemesis = await Nemesis.connect(toxiproxy.url, runId, recorder, { profile, seed });
    if (!nemesis.supportsHttpFaults) throw new UsageError('E_HTTP_FAULTS_UNAVAILABLE', 'contract chaos needs http_drop_response, which a real Toxiproxy cannot apply', { hint: 'leave out --toxiproxy to use the embedded proxy' });
    const target = new URL(options.providerBaseUrl);
    const api = await nemesis.createProxy('api', `${target.hostname}:${target.port || 80}`);
    const meta: RunMeta = {
      profile: redactJson(profile),
      scenarios: plan.map((p) => ({ name: p.name, checks: p.experiment.checks.map((name) => ({ name })) })),
      proxies: { api: nemesis.proxyName('api') },
      target: options.providerBaseUrl,
    };
    recorder.append({ kind: 'run', time: 0, runId, seed, startedAt: new Date(recorder.startedAtMs).toISOString(), meta: { ...(meta as unknown as Record<string, unknown>), source: 'contracts', pacts: options.pacts.map((p) => p.file) } });
    client = new PaymentClient({ baseUrl: api.url, profile, recorder, timeoutMs: 5_000 });
    for (const [index, step] of plan.entries()) {
      recorder.setScenario(step.name);
      const replay = await prepare(options.providerBaseUrl, profile, client, step.interaction, `${seed}-${index}`);
      const requestPath = buildRequest(profile, step.interaction.op, replay.params).path.split('?')[0]!;
      await step.experiment.run({ client, recorder, nemesis, runId, index, concurrency: options.concurrency ?? 3, requestPath }, replay);
      await nemesis.pollDecisions().catch(() => undefined);
      const touched: TouchedPayment = { reference: replay.params.reference!, logicalId: replay.logicalId, resourceIds: new Set(replay.params.id ? [replay.params.id] : []) };
      // (The listing by reference is per logical create; the setup's create shares the reference.)
      for (const r of recorder.records) if (r.kind === 'complete' && r.scenario === step.name && r.resourceId) touched.resourceIds.add(r.resourceId);
      await recordFinalReads(options.providerBaseUrl, profile, recorder, [touched]);
    }
  } catch (error) {
    failure = error;
  } finally {
    recorder.setScenario(undefined);
    if (nemesis) {
      await nemesis.healAll();
      await nemesis.deleteProxies().catch(() => undefined);
    }
    recorder.append({ kind: 'run-end', status: failure ? 'error' : 'completed', ...(failure ? { message: failure instanceof Error ? failure.message : String(failure) } : {}) });
    await client?.close();
    await toxiproxy.close();
    await recorder.close();
  }
  if (failure) throw failure;
  const verdict = withSchemaCheck(judgeRun(recorder.records), recorder.records, profile);
  const reports = await writeReports(runDir, { history: recorder.records, verdict });
  return { runId, runDir, verdict, exitCode: exitCodeOf(verdict.verdict), skipped, reports };
}

