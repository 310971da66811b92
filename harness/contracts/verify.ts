import { Verifier, type VerifierOptions } from '@pact-foundation/pact';
import type { ApiProfile } from '../config/profile-types.js';
import { InfraError } from '../errors.js';
import type { BrokerConfig } from './broker-config.js';
import { WebhookMessageProducer } from './message-producer.js';
import { startStateRelay, type StateFailure } from './state-relay.js';
import { parseVerifierJson, type InteractionOutcome } from './verify-results.js';

/** Where the pacts come from: files, or a broker asked with consumer version selectors. */
export type PactSource =
  | { kind: 'files'; files: string[] }
  | {
      kind: 'broker';
      broker: BrokerConfig;
      consumerVersionSelectors?: NonNullable<VerifierOptions['consumerVersionSelectors']>;
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

/**
 * Verifies a running provider against pacts with pact-js's Verifier (HTTP interactions and
 * asynchronous messages). Provider states go through a relay that turns any failed setup into a
 * failed interaction; webhook messages are produced by the real provider (WebhookMessageProducer).
 */
export async function verifyProvider(options: VerifyOptions): Promise<VerifyResult> {
  const stateEndpoint = options.profile.providerStatesPath ? new URL(options.profile.providerStatesPath, options.providerBaseUrl).toString() : undefined;
  const relay = await startStateRelay(stateEndpoint);
  const producer = new WebhookMessageProducer(options.providerBaseUrl, options.profile);
  const productionErrors = new Map<string, string>();
  // Message handlers are looked up by description; one producer serves any description it can name.
  // (Serialisation probes such as toJSON must not look like message descriptions.)
  const messageProviders = new Proxy({}, {
    get: (_target, description) =>
      typeof description === 'string' && description !== 'toJSON' && description !== 'then' && !(description in Object.prototype)
        ? () =>
            producer.produce(description).catch((error: unknown) => {
              productionErrors.set(description, (error as Error).message);
              throw error;
            })
        : undefined,
  });
  const source = options.source;
  const verifierOptions: VerifierOptions = {
    provider: options.provider,
    providerBaseUrl: options.providerBaseUrl,
    providerStatesSetupUrl: relay.url,
    messageProviders,
    logLevel: 'error',
    failIfNoPactsFound: true,
    ...(source.kind === 'files'
      ? { pactUrls: source.files }
      : {
          pactBrokerUrl: source.broker.url,
          pactBrokerToken: source.broker.token,
          pactBrokerUsername: source.broker.token ? undefined : source.broker.username,
          pactBrokerPassword: source.broker.token ? undefined : source.broker.password,
          consumerVersionSelectors: source.consumerVersionSelectors,
          enablePending: source.enablePending,
          includeWipPactsSince: source.includeWipPactsSince,
        }),
    ...(options.publish
      ? { publishVerificationResult: true, providerVersion: options.publish.providerVersion, providerVersionBranch: options.publish.providerBranch }
      : {}),
  };
  let raw: string;
  try {
    raw = String(await new Verifier(verifierOptions).verifyProvider());
  } catch (error) {
    raw = error instanceof Error ? error.message : String(error);
  } finally {
    await Promise.all([relay.close(), producer.close()]);
  }
  const parsed = parseVerifierJson(raw);
  if (!parsed) {
    throw new InfraError('E_VERIFY_RUN', `the Pact verifier could not run: ${raw.slice(0, 300)}`, {
      hint: source.kind === 'broker' ? 'check the broker URL, credentials and selectors' : 'check the pact files and the provider URL',
    });
  }
  for (const outcome of parsed.interactions) {
    const productionError = productionErrors.get(outcome.description);
    if (productionError && outcome.result !== 'passed') outcome.reasons.unshift(`the message could not be produced: ${productionError}`);
    for (const state of outcome.states) {
      const failure = relay.failures.find((f) => f.state === state);
      if (failure && outcome.result === 'failed') outcome.reasons.push(`provider state "${state}" ${failure.action} failed: ${failure.reason}`);
    }
  }
  return { passed: parsed.passed, interactions: parsed.interactions, stateFailures: relay.failures };
}
