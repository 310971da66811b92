import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-helpers.js';
import { startFakeBroker, type FakeBroker } from './test-support/fake-broker.js';

/** End to end through `payharness contracts …`: exit codes, messages, and credentials kept out of output. */
const TOKEN = 'tok_cli_s3cret';
let broker: FakeBroker;

beforeAll(async () => {
  broker = await startFakeBroker({ token: TOKEN });
  broker.state.environments.push({ uuid: 'env-prod', name: 'production', displayName: 'Production', production: true });
  broker.state.versions.push({ pacticipant: 'payharness-sandbox', number: 'p-ok' }, { pacticipant: 'payharness-sandbox', number: 'p-bad' });
});
afterAll(() => broker.close());

const env = () => ({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });

describe('payharness contracts publish / can-i-deploy / record-deployment', () => {
  it('publishes with version and branch from flags, reading the broker from the environment', async () => {
    const result = await runCli(['contracts', 'publish', '--consumer-version', 'c1', '--branch', 'main'], { env: env() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('as version c1 (branch main)');
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });

  it('defaults the version to the git commit', async () => {
    const result = await runCli(['contracts', 'publish', '--branch', 'main'], { env: { ...env(), GITHUB_SHA: 'abc123def' } });
    expect(result.code).toBe(0);
    expect(broker.state.versions.some((v) => v.number === 'abc123def')).toBe(true);
  });

  it('exits 0 on yes and 1 on no, printing the matrix rows', async () => {
    broker.state.deployments.push({ uuid: 'd1', pacticipant: 'checkout-service', version: 'c1', environment: 'production', currentlyDeployed: true });
    broker.state.verifications.push({ provider: 'payharness-sandbox', providerVersion: 'p-ok', consumer: 'checkout-service', consumerVersion: 'c1', success: true });
    broker.state.verifications.push({ provider: 'payharness-sandbox', providerVersion: 'p-bad', consumer: 'checkout-service', consumerVersion: 'c1', success: false });
    const yes = await runCli(['contracts', 'can-i-deploy', '--pacticipant', 'payharness-sandbox', '--version', 'p-ok', '--to-environment', 'production'], { env: env() });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('payharness-sandbox@p-ok to production: YES');
    const no = await runCli(['contracts', 'can-i-deploy', '--pacticipant', 'payharness-sandbox', '--version', 'p-bad', '--to-environment', 'production'], { env: env() });
    expect(no.code).toBe(1);
    expect(no.stdout).toContain('checkout-service@c1 → payharness-sandbox@p-bad: verification failed');
  });

  it('fails closed with exit 2 when the broker cannot decide', async () => {
    const result = await runCli(['contracts', 'can-i-deploy', '--pacticipant', 'checkout-service', '--version', 'no-such-version', '--to-environment', 'production'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('UNKNOWN (failing closed)');
  });

  it('records a deployment', async () => {
    const result = await runCli(['contracts', 'record-deployment', '--pacticipant', 'checkout-service', '--version', 'c1', '--environment', 'production'], { env: env() });
    expect(result.code).toBe(0);
    expect(broker.state.deployments.filter((d) => d.pacticipant === 'checkout-service' && d.version === 'c1')).toHaveLength(2);
  });

  it('exits 4 with a clear message, and no stack, when the broker is unreachable', async () => {
    const result = await runCli(['contracts', 'can-i-deploy', '--pacticipant', 'x', '--version', '1', '--to-environment', 'production', '--broker-url', 'http://127.0.0.1:9'], { env: { PACT_BROKER_TOKEN: TOKEN } });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('the Pact Broker at http://127.0.0.1:9 is unreachable [E_BROKER_UNREACHABLE]');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('exits 3 when no broker URL is configured', async () => {
    const result = await runCli(['contracts', 'can-i-deploy', '--pacticipant', 'x', '--version', '1', '--to-environment', 'production'], { env: { PACT_BROKER_BASE_URL: '' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no Pact Broker URL given');
  });

  it('exits 3 when there are no pacts to publish', async () => {
    const result = await runCli(['contracts', 'publish', '--pact-dir', 'no/such/dir', '--consumer-version', 'x'], { env: env() });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no pact files in no/such/dir');
  });
});
