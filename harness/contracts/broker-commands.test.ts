import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../test/cli-helpers.js';
import { InfraError } from '../errors.js';
import { canIDeploy, publishPacts, recordDeployment } from './broker-commands.js';
import { startFakeBroker, type FakeBroker } from './test-support/fake-broker.js';

const PACT_DIR = path.join(repoRoot, 'contracts/pacts');
const TOKEN = 'tok_s3cret_value';
let broker: FakeBroker | undefined;

afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

async function brokerWithDeployedProvider(verified: boolean | undefined) {
  broker = await startFakeBroker({ token: TOKEN });
  const config = { url: broker.url, token: TOKEN };
  await publishPacts(config, { pactDir: PACT_DIR, version: 'c0ffee1', branch: 'main' });
  broker.state.environments.push({ uuid: 'env-prod', name: 'production', displayName: 'Production', production: true });
  broker.state.versions.push({ pacticipant: 'payharness-sandbox', number: 'p1' });
  broker.state.deployments.push({ uuid: 'd1', pacticipant: 'payharness-sandbox', version: 'p1', environment: 'production', currentlyDeployed: true });
  if (verified !== undefined) {
    broker.state.verifications.push({ provider: 'payharness-sandbox', providerVersion: 'p1', consumer: 'checkout-service', consumerVersion: 'c0ffee1', success: verified });
  }
  return config;
}

describe('broker commands through the real pact-broker CLI', () => {
  it('publishes every pact file through POST /contracts/publish with version, branch and the pact content', async () => {
    broker = await startFakeBroker({ token: TOKEN });
    const report = await publishPacts({ url: broker.url, token: TOKEN }, { pactDir: PACT_DIR, version: 'c0ffee1', branch: 'feat/x' });
    expect(report).toMatch(/published successfully/);
    expect(broker.requests[0]).toMatchObject({ method: 'GET', path: '/' });
    const publishes = broker.requests.filter((r) => r.method === 'POST' && r.path === '/contracts/publish');
    const files = readdirSync(PACT_DIR).filter((f) => f.endsWith('.json'));
    expect(publishes).toHaveLength(files.length);
    for (const request of publishes) {
      expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      const body = request.body as { pacticipantName: string; pacticipantVersionNumber: string; branch: string; contracts: Array<{ consumerName: string; providerName: string; specification: string; contentType: string; content: string }> };
      expect(body).toMatchObject({ pacticipantVersionNumber: 'c0ffee1', branch: 'feat/x' });
      const [contract] = body.contracts;
      expect(contract).toMatchObject({ consumerName: body.pacticipantName, providerName: 'payharness-sandbox', specification: 'pact', contentType: 'application/json' });
      const onDisk = JSON.parse(readFileSync(path.join(PACT_DIR, `${contract!.consumerName}-payharness-sandbox.json`), 'utf8'));
      // The CLI stamps its own pact-models version into metadata; the contract itself must be ours, unchanged.
      const published = JSON.parse(Buffer.from(contract!.content, 'base64').toString('utf8'));
      expect({ consumer: published.consumer, provider: published.provider, interactions: published.interactions }).toEqual({ consumer: onDisk.consumer, provider: onDisk.provider, interactions: onDisk.interactions });
    }
    expect(broker.state.pacts.map((p) => p.consumer).sort()).toEqual(['checkout-service', 'order-service']);
  });

  it('says yes when the deployed provider verified the pact, asking the matrix for the environment', async () => {
    const config = await brokerWithDeployedProvider(true);
    const decision = await canIDeploy(config, { pacticipant: 'checkout-service', version: 'c0ffee1', environment: 'production' });
    expect(decision.deployable).toBe('yes');
    expect(decision.rows).toEqual(['checkout-service@c0ffee1 → payharness-sandbox@p1: verified']);
    const matrix = broker!.requests.find((r) => r.path === '/matrix')!;
    expect(Object.fromEntries(matrix.query)).toEqual({ 'q[][pacticipant]': 'checkout-service', 'q[][version]': 'c0ffee1', latestby: 'cvpv', environment: 'production' });
  });

  it('says no when the verification failed', async () => {
    const config = await brokerWithDeployedProvider(false);
    const decision = await canIDeploy(config, { pacticipant: 'checkout-service', version: 'c0ffee1', environment: 'production' });
    expect(decision).toMatchObject({ deployable: 'no', counts: { failed: 1 } });
  });

  it('says unknown (never yes) when the pact was not verified yet', async () => {
    const config = await brokerWithDeployedProvider(undefined);
    const decision = await canIDeploy(config, { pacticipant: 'checkout-service', version: 'c0ffee1', environment: 'production' });
    expect(decision).toMatchObject({ deployable: 'unknown', counts: { unknown: 1 } });
  });

  it('records a deployment by following the version resource to its pb:record-deployment link', async () => {
    const config = await brokerWithDeployedProvider(true);
    await recordDeployment(config, { pacticipant: 'checkout-service', version: 'c0ffee1', environment: 'production' });
    const paths = broker!.requests.slice(-2).map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(['GET /pacticipants/checkout-service/versions/c0ffee1', 'POST /pacticipants/checkout-service/versions/c0ffee1/deployed-versions/environment/env-prod']);
    expect(broker!.requests.at(-1)!.headers['content-type']).toMatch(/^application\/json/);
    expect(broker!.state.deployments.filter((d) => d.pacticipant === 'checkout-service' && d.currentlyDeployed)).toHaveLength(1);
  });

  it('refuses an environment the broker does not know, as bad input', async () => {
    const config = await brokerWithDeployedProvider(true);
    await expect(recordDeployment(config, { pacticipant: 'checkout-service', version: 'c0ffee1', environment: 'staging' })).rejects.toMatchObject({ code: 'E_BROKER_REFUSED', exitCode: 3 });
  });

  it('sends basic auth credentials when given a username and password', async () => {
    broker = await startFakeBroker({ basicAuth: { username: 'ci', password: 'pw_s3cret' } });
    await publishPacts({ url: broker.url, username: 'ci', password: 'pw_s3cret' }, { pactDir: PACT_DIR, version: 'v1' });
    expect(broker.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ci:pw_s3cret').toString('base64')}`);
  });

  it('reports refused credentials as an infrastructure error without echoing them', async () => {
    broker = await startFakeBroker({ token: TOKEN });
    const error = await canIDeploy({ url: broker.url, token: 'tok_wrong_value' }, { pacticipant: 'x', version: '1', environment: 'production' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect(error).toMatchObject({ code: 'E_BROKER_AUTH', exitCode: 4 });
    expect(JSON.stringify({ message: (error as Error).message, hint: (error as InfraError).hint })).not.toContain('tok_wrong_value');
  });

  it('reports a broker that is down as an infrastructure error within seconds', async () => {
    broker = await startFakeBroker();
    const url = broker.url;
    await broker.close();
    broker = undefined;
    const started = Date.now();
    await expect(canIDeploy({ url }, { pacticipant: 'x', version: '1', environment: 'production' })).rejects.toMatchObject({ code: 'E_BROKER_UNREACHABLE', exitCode: 4 });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
