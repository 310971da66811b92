import pactCoreModule, { type ConsumerVersionSelector, type VerifierOptions } from '@pact-foundation/pact-core';
import type { ApiProfile } from '../config/profile-types.js';
import { InfraError, UsageError } from '../errors.js';
import { redactText } from '../redact.js';
import type { BrokerConfig } from './broker-config.js';
import { WebhookMessageProducer } from './message-producer.js';
import { loadPactFile } from './pact-file.js';
import { startVerificationServer, type StateFailure } from './verification-server.js';
import { parseVerifierJson, type InteractionOutcome } from './verify-results.js';
import { urlOnTarget } from '../safety.js';
import { withBasePath } from '../run/upstream.js';

/** Where the pacts come from: files, or a broker asked with consumer version selectors. */
export type PactSource =
  | { kind: 'files'; files: string[] }
  | {
      kind: 'broker';
      broker: BrokerConfig;
      consumerVersionSelectors?: ConsumerVersionSelector[];
      enablePending?: boolean;
      includeWipPactsSince?: string;
    };

export interface VerifyOptions {
  providerBaseUrl: string;
  provider: string;
  profile: ApiProfile;
  source: PactSource;
  /** Publish results to the broker (source must be a broker). */
  publish?: { providerVersion: string; providerBranch?: string };
}

export interface VerifyResult {
  passed: boolean;
  interactions: InteractionOutcome[];
  /** State setups that failed, with the provider's reason. */
  stateFailures: StateFailure[];
}

/** pact-core rejects options that are present but undefined (e.g. a token next to an unset username). */
function definedOnly<T extends Record<string, unknown>>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function brokerOptions(source: Extract<PactSource, { kind: 'broker' }>): Partial<VerifierOptions> {
  const { broker } = source;
  return definedOnly({
    pactBrokerUrl: broker.url,
    ...(broker.token !== undefined ? { pactBrokerToken: broker.token } : { pactBrokerUsername: broker.username, pactBrokerPassword: broker.password }),
    consumerVersionSelectors: source.consumerVersionSelectors,
    enablePending: source.enablePending,
    includeWipPactsSince: source.includeWipPactsSince,
  });
}

/** "Failed to load pact" is not a contract failure: the broker is down, refused us, or has nothing to verify. */
function throwIfPactsDidNotLoad(outcomes: readonly InteractionOutcome[], source: PactSource): void {
  const load = outcomes.find((o) => o.description === 'Failed to load pact');
  if (!load) return;
  const reason = load.reasons.join(' ');
  const where = source.kind === 'broker' ? `the Pact Broker at ${source.broker.url}` : 'the pact files';
  if (/\b(401|403)\b|Unauthori[sz]ed|Forbidden/.test(reason)) {
    throw new InfraError('E_BROKER_AUTH', `${where} refused our credentials`, { hint: 'check PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD' });
  }
  if (/error sending request|Failed to access|Connection refused|timed out|dns error/i.test(reason)) {
    throw new InfraError('E_BROKER_UNREACHABLE', `${where} is unreachable`, { hint: 'check --broker-url / PACT_BROKER_BASE_URL and that the broker is running' });
  }
  throw new UsageError('E_NO_PACTS', `no pacts to verify: ${redactText(reason).slice(0, 300)}`, {
    hint: source.kind === 'broker' ? 'check --provider and --consumer-version-selectors (a provider with no pacts is not verified)' : 'check the pact files name this provider',
  });
}

/**
 * Verifies a running provider against pacts with Pact's own verifier (pact-core, the Rust
 * verifier), HTTP interactions and asynchronous messages alike. Requests go straight to the
 * provider (pact-js's verification proxy re-encodes bodies and loses empty JSON bodies); provider
 * states go through our relay, which turns any failed setup into a failed interaction; webhook
 * messages are produced by the real provider (WebhookMessageProducer).
 */
export async function verifyProvider(options: VerifyOptions): Promise<VerifyResult> {
  // The provider's own path and the profile's basePath: the pacts' paths, states and messages go under both.
  const providerBaseUrl = withBasePath(options.providerBaseUrl, options.profile.basePath);
  const stateEndpoint = options.profile.providerStatesPath ? urlOnTarget(providerBaseUrl, options.profile.providerStatesPath).toString() : undefined;
  const producer = new WebhookMessageProducer(providerBaseUrl, options.profile);
  const server = await startVerificationServer(stateEndpoint, (description) => producer.produce(description));
  const source = options.source;
  const verifierOptions: VerifierOptions = {
    provider: options.provider,
    providerBaseUrl,
    providerStatesSetupUrl: server.stateUrl,
    transports: [{ protocol: 'message', port: server.messageTransport.port, path: server.messageTransport.path }],
    logLevel: 'error',
    failIfNoPactsFound: true,
    ...(source.kind === 'files' ? { pactUrls: source.files } : brokerOptions(source)),
    ...(options.publish
      ? definedOnly({ publishVerificationResult: true, providerVersion: options.publish.providerVersion, providerVersionBranch: options.publish.providerBranch })
      : {}),
  };
  let raw: string;
  // pact-core also reads PACT_BROKER_BASE_URL from the environment and would add the broker's pacts
  // to a file verification; CI sets it for the broker commands, so hide it while verifying files.
  const hidden = source.kind === 'files' ? process.env.PACT_BROKER_BASE_URL : undefined;
  if (hidden !== undefined) delete process.env.PACT_BROKER_BASE_URL;
  try {
    raw = String(await pactCoreModule.default.verifyPacts(verifierOptions));
  } catch (error) {
    raw = error instanceof Error ? error.message : String(error);
  } finally {
    if (hidden !== undefined) process.env.PACT_BROKER_BASE_URL = hidden;
    await Promise.all([server.close(), producer.close()]);
  }
  const parsed = parseVerifierJson(raw);
  if (!parsed) {
    throw new InfraError('E_VERIFY_RUN', `the Pact verifier could not run: ${raw.slice(0, 300)}`, {
      hint: source.kind === 'broker' ? 'check the broker URL, credentials and selectors' : 'check the pact files and the provider URL',
    });
  }
  throwIfPactsDidNotLoad(parsed.interactions, source);
  // The verifier names consumers only for failures; file sources tell us the rest.
  const consumerOf = new Map<string, string>();
  if (source.kind === 'files') {
    for (const pact of source.files.map(loadPactFile)) for (const i of pact.interactions) consumerOf.set(i.description, pact.consumer);
  }
  for (const outcome of parsed.interactions) {
    outcome.consumer ??= consumerOf.get(outcome.description);
    if (outcome.result === 'passed') continue;
    const productionError = server.messageFailures.get(outcome.description);
    if (productionError) outcome.reasons.unshift(`the message could not be produced: ${productionError}`);
    for (const state of outcome.states) {
      const failure = server.stateFailures.find((f) => f.state === state);
      if (failure) outcome.reasons.push(`provider state "${state}" ${failure.action} failed: ${failure.reason}`);
    }
  }
  return { passed: parsed.passed, interactions: parsed.interactions, stateFailures: server.stateFailures };
}
