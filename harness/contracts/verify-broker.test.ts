import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startSandbox } from '../../sandbox/index.js';
import { repoRoot } from '../../test/cli-helpers.js';
import { canIDeploy, publishPacts, recordDeployment } from './broker-commands.js';
import { verifyAction } from './verify-action.js';
import { startFakeBroker, type FakeBroker } from './test-support/fake-broker.js';

/** The whole broker workflow: publish, verify from the broker with selectors, publish results, can-i-deploy. */
const TOKEN = 'tok_verify_s3cret';
let broker: FakeBroker;
let sandbox: { url: string; close(): Promise<void> };

beforeAll(async () => {
  broker = await startFakeBroker({ token: TOKEN });
  sandbox = await startSandbox({ providerStates: true, quiet: true, timeScale: 0.01 });
});
afterAll(async () => {
  await broker.close();
  await sandbox.close();
});

describe('verification from a Pact Broker', () => {
  it('fetches pacts with the selectors, verifies them and publishes the results, which can-i-deploy then reads', async () => {
    const config = { url: broker.url, token: TOKEN };
    await publishPacts(config, { pactDir: path.join(repoRoot, 'contracts/pacts'), version: 'c1', branch: 'main' });
    const lines: string[] = [];
    const previousToken = process.env.PACT_BROKER_TOKEN;
    process.env.PACT_BROKER_TOKEN = TOKEN;
    const code = await verifyAction(
      {
        providerBaseUrl: sandbox.url,
        brokerUrl: broker.url,
        consumerVersionSelectors: '[{"mainBranch":true},{"deployedOrReleased":true}]',
        publish: true,
        providerVersion: 'p1',
        providerBranch: 'main',
        enablePending: true,
        includeWipSince: '2026-01-01',
      },
      (line) => lines.push(line),
    ).finally(() => (previousToken === undefined ? delete process.env.PACT_BROKER_TOKEN : (process.env.PACT_BROKER_TOKEN = previousToken)));
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe('contract verification passed: 15 interactions');

    const forVerification = broker.requests.find((r) => r.method === 'POST' && r.path.endsWith('/for-verification'))!;
    expect(forVerification.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(forVerification.body).toMatchObject({
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
      providerVersionBranch: 'main',
      includePendingStatus: true,
      includeWipPactsSince: '2026-01-01',
    });
    const results = broker.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/verification-results'));
    expect(results.map((r) => r.body)).toEqual([
      expect.objectContaining({ providerApplicationVersion: 'p1', success: true }),
      expect.objectContaining({ providerApplicationVersion: 'p1', success: true }),
    ]);

    broker.state.environments.push({ uuid: 'env-prod', name: 'production', displayName: 'Production', production: true });
    await recordDeployment(config, { pacticipant: 'checkout-service', version: 'c1', environment: 'production' });
    await recordDeployment(config, { pacticipant: 'order-service', version: 'c1', environment: 'production' });
    const decision = await canIDeploy(config, { pacticipant: 'payharness-sandbox', version: 'p1', environment: 'production' });
    expect(decision).toMatchObject({ deployable: 'yes', counts: { success: 2, failed: 0, unknown: 0 } });
  });

  it('exits 4 when the broker is down or refuses the token, and 3 when it has no pacts for the provider', async () => {
    const flags = { providerBaseUrl: sandbox.url, consumerVersionSelectors: '[{"mainBranch":true}]' };
    const previousToken = process.env.PACT_BROKER_TOKEN;
    try {
      process.env.PACT_BROKER_TOKEN = TOKEN;
      await expect(verifyAction({ ...flags, brokerUrl: 'http://127.0.0.1:9' }, () => undefined)).rejects.toMatchObject({ code: 'E_BROKER_UNREACHABLE', exitCode: 4 });
      await expect(verifyAction({ ...flags, brokerUrl: broker.url, provider: 'nobody' }, () => undefined)).rejects.toMatchObject({ code: 'E_NO_PACTS', exitCode: 3 });
      process.env.PACT_BROKER_TOKEN = 'tok_wrong_value';
      const refused = (await verifyAction({ ...flags, brokerUrl: broker.url }, () => undefined).catch((e: unknown) => e)) as Error;
      expect(refused).toMatchObject({ code: 'E_BROKER_AUTH', exitCode: 4 });
      expect(refused.message).not.toContain('tok_wrong_value');
    } finally {
      if (previousToken === undefined) delete process.env.PACT_BROKER_TOKEN;
      else process.env.PACT_BROKER_TOKEN = previousToken;
    }
  });
});
