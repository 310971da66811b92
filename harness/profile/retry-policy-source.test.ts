import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadProfile, parseProfile } from '../config/profile.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import type { ApiProfile } from '../config/profile-types.js';
import { resolveRetryPolicy } from './retry-policy-source.js';

/** A policy endpoint on a real socket, under /api/v2, that publishes its numbers partly as text. */
let server: http.Server;
let base: string;
const seen: { url?: string; auth?: string }[] = [];

beforeAll(async () => {
  // Header values are resolved per request, from the environment.
  process.env.PH_POLICY_KEY = 'sk_test_x';
  server = http.createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization });
    if (req.url !== '/api/v2/webhooks/policy') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      retry: { first_delay_ms: '250', factor: 2, cap_ms: 8000, jitter_pct: 0.2, max_attempts: 5 },
      retry_after: { honoured: 'true', statuses: '429,503' },
      stop_on: [410],
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const profileText = (extra = '') => `extends: sandbox
name: policy-endpoint
headers: {Authorization: "Bearer \${PH_POLICY_KEY}"}
webhooks:
  retryPolicy:
    from:
      path: /webhooks/policy
      fields:
        initialIntervalMs: $.retry.first_delay_ms
        multiplier: $.retry.factor
        maxIntervalMs: $.retry.cap_ms
        jitter: $.retry.jitter_pct
        maxAttempts: $.retry.max_attempts
        honoursRetryAfter: $.retry_after.honoured
        retryAfterStatuses: $.retry_after.statuses
        stopOn: $.stop_on
    timeScale: \${PH_POLICY_SCALE}
${extra}`;

const load = (extra = ''): ApiProfile => parseProfile('policy.yaml', profileText(extra), { PH_POLICY_KEY: 'sk_test_x', PH_POLICY_SCALE: '0.5' });

describe('a retry policy read from the API\'s policy endpoint', () => {
  it('loads without the keys the endpoint publishes, and does not inherit the sandbox\'s through extends', () => {
    const policy = load().webhooks!.retryPolicy;
    expect(policy.from?.path).toBe('/webhooks/policy');
    expect(policy.initialIntervalMs).toBeUndefined();
    expect(policy.timeScale).toBe(0.5);
  });

  it('reads each key at its JSON path under the base path, with the profile\'s headers; text becomes numbers, booleans and status lists', async () => {
    const policy = await resolveRetryPolicy(load(), base);
    expect(policy).toMatchObject({
      initialIntervalMs: 250, multiplier: 2, maxIntervalMs: 8000, jitter: 0.2, maxAttempts: 5,
      honoursRetryAfter: true, retryAfterStatuses: [429, 503], stopOn: [410], timeScale: 0.5,
    });
    expect(seen.at(-1)).toEqual({ url: '/api/v2/webhooks/policy', auth: 'Bearer sk_test_x' });
  });

  it('lets keys given beside from win over the endpoint\'s', async () => {
    const profile = load();
    profile.webhooks!.retryPolicy.maxAttempts = 3;
    expect((await resolveRetryPolicy(profile, base))!.maxAttempts).toBe(3);
  });

  it('refuses an incomplete policy, naming each missing key and the URL', async () => {
    const profile = load();
    profile.webhooks!.retryPolicy.from!.fields = { initialIntervalMs: '$.retry.first_delay_ms', maxAttempts: '$.retry.nope' };
    await expect(resolveRetryPolicy(profile, base)).rejects.toThrow(
      /GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/webhooks\/policy is incomplete or wrong: .*multiplier is missing.*not in the answer: maxAttempts \(\$\.retry\.nope\)/,
    );
  });

  it('names the URL and the API\'s message when the endpoint is not there', async () => {
    await expect(resolveRetryPolicy(load(), base.replace('/api/v2', ''))).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/webhooks\/policy answered 404: no route \/webhooks\/policy/);
  });

  it('leaves a declared policy as it is', async () => {
    expect(await resolveRetryPolicy(structuredClone(SANDBOX_PROFILE), base)).toEqual(SANDBOX_PROFILE.webhooks!.retryPolicy);
  });

  it('accepts the example sandbox profile that reads GET /v1/webhook_policy', () => {
    const file = fileURLToPath(new URL('../../examples/profiles/sandbox-policy-endpoint.yaml', import.meta.url));
    expect(loadProfile(file).webhooks!.retryPolicy.from!.path).toBe('/v1/webhook_policy');
  });
});
