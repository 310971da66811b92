import { request } from 'undici';
import type { ApiProfile } from '../../config/profile-types.js';
import type { CheckSpec } from '../../config/scenario-types.js';
import { HarnessError, InfraError, UsageError } from '../../errors.js';
import { redactJson } from '../../redact.js';
import { responsesMatchSchema } from '../../checks/responses-match-schema.js';
import { recordFinalReads, type TouchedPayment } from '../../run/final-reads.js';
import { RunSession, type RunOutcome } from '../../run/run-session.js';
import { PaymentClient } from '../../workload/client.js';
import { buildRequest, readField } from '../../workload/request.js';
import { randomSeed } from '../../workload/prng.js';
import type { PactFile } from '../pact-file.js';
import { effectfulInteractions, type EffectfulInteraction } from './effectful.js';
import { EXPERIMENTS, type PreparedReplay } from './experiments.js';
import { STATE_RECIPES, recipeParams } from './state-recipes.js';
import { urlOnTarget } from '../../safety.js';

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
  /** Handle SIGINT/SIGTERM: heal, keep the partial history, exit code 130. The CLI turns this on. */
  handleSignals?: boolean;
  /** Aborting it interrupts the run like SIGINT does. */
  signal?: AbortSignal;
}

export interface ContractChaosResult extends RunOutcome {
  /** Interactions not replayed, with the reason. */
  skipped: string[];
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
    const answer = await request(urlOnTarget(baseUrl, profile.providerStatesPath), {
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
 * The checks of one experiment, plus responses-match-schema where the contracts' schemas describe
 * the profile's API: named in the run's meta, so `payharness check` judges the same checks.
 */
function checksOf(experimentChecks: readonly string[], profile: ApiProfile, interaction: EffectfulInteraction): CheckSpec[] {
  // A contract whose answer is a payload-mismatch rejection stores nothing: its repeats have no stored result to compare.
  const rejected = interaction.expectedStatus !== undefined && profile.idempotency.mismatchStatus.includes(interaction.expectedStatus);
  const checks = experimentChecks.filter((name) => !(rejected && name === 'idempotent-replay')).map((name) => ({ name }));
  if (!responsesMatchSchema.inapplicable?.(profile)) checks.push({ name: responsesMatchSchema.name });
  return checks;
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

  const plan = interactions.flatMap((interaction) => EXPERIMENTS.filter((e) => e.applies(interaction)).map((experiment) => ({ interaction, experiment, name: `${interaction.consumer}: ${interaction.description} · ${experiment.name}` })));
  const session = new RunSession({ kind: 'contracts', seed: options.seed ?? randomSeed(), outDir: options.outDir, handleSignals: options.handleSignals, signal: options.signal });
  const { recorder, seed, runId } = session;
  let failure: unknown;
  try {
    const nemesis = await session.connectNemesis(options.toxiproxyUrl, profile);
    if (!nemesis.supportsHttpFaults) throw new UsageError('E_HTTP_FAULTS_UNAVAILABLE', 'contract chaos needs http_drop_response, which a real Toxiproxy cannot apply', { hint: 'leave out --toxiproxy to use the embedded proxy' });
    const target = await session.startTarget({ target: options.providerBaseUrl, seed, basePath: profile.basePath });
    const api = await session.proxy('api', target.url);
    session.start({
      profile: redactJson(profile),
      scenarios: plan.map((p) => ({ name: p.name, checks: checksOf(p.experiment.checks, profile, p.interaction) })),
      target: options.providerBaseUrl,
      pacts: options.pacts.map((p) => p.file),
    });
    const client = new PaymentClient({ baseUrl: api.url, profile, recorder, timeoutMs: 5_000, signal: session.signal });
    session.onClose(() => client.close());
    for (const [index, step] of plan.entries()) {
      if (session.signal.aborted) break;
      recorder.setScenario(step.name);
      let replay: PreparedReplay;
      try {
        // Provider states and final reads go straight to the provider, under its base path (target.url carries the profile's).
        replay = await prepare(target.url, profile, client, step.interaction, `${seed}-${index}`);
      } catch (error) {
        // A refused setup leaves this experiment with nothing to judge (the workload guard says so); the others still run.
        if (!(error instanceof HarnessError) || error.code !== 'E_STATE_SETUP') throw error;
        recorder.append({ kind: 'note', message: `provider state of "${step.interaction.description}" not set up: ${error.message}` });
        continue;
      }
      const requestPath = buildRequest(profile, step.interaction.op, replay.params).path.split('?')[0]!;
      await step.experiment.run({ client, recorder, nemesis, runId, index, concurrency: options.concurrency ?? 3, requestPath }, replay);
      await nemesis.pollDecisions().catch(() => undefined);
      const touched: TouchedPayment = { reference: replay.params.reference!, logicalId: replay.logicalId, resourceIds: new Set(replay.params.id ? [replay.params.id] : []) };
      // (The listing by reference is per logical create; the setup's create shares the reference.)
      for (const r of recorder.records) if (r.kind === 'complete' && r.scenario === step.name && r.resourceId) touched.resourceIds.add(r.resourceId);
      await recordFinalReads(target.url, profile, recorder, [touched], { signal: session.signal });
    }
  } catch (error) {
    failure = error;
  }
  return { ...(await session.finish(failure)), skipped };
}
