import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './test-support/rejection.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js';
import { startDecimalApi, type DecimalApi } from '../../test/fixtures/decimal-api/server.js';
import { startFormApi } from '../../test/fixtures/form-api/server.js';
import { loadProfile, parseProfile } from '../config/profile.js';
import type { ApiProfile } from '../config/profile-types.js';
import { initProfile } from './profile-init.js';
import { checkProfile, type ProfileCheckResult } from './profile-check.js';
import { formatLines } from './check-report.js';
import { runCli } from '../../test/cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ph-profile-check-'));
const decimalFile = fileURLToPath(new URL('../../examples/profiles/decimal-api.yaml', import.meta.url));

const notOk = (r: ProfileCheckResult): string[] => r.lines.filter((l) => l.mark !== 'ok').map((l) => `${l.op} ${l.what} ${l.mark}`);
const lineOf = (r: ProfileCheckResult, op: string, what: string) => r.lines.find((l) => l.op === op && l.what === what);

/** `profile init` on a served document, then only the TODOs filled (as a person would from the API's docs). */
async function draftAndFill(openapiUrl: string, fill: Record<string, unknown>, env: Record<string, string>): Promise<ApiProfile> {
  const out = join(dir, `draft-${Math.random().toString(36).slice(2)}.yaml`);
  await initProfile({ openapi: openapiUrl, out });
  const doc = parseDocument(readFileSync(out, 'utf8'));
  const todos = (() => {
    try {
      parseProfile(out, doc.toString(), env);
      return [];
    } catch (error) {
      return [...((error as { problems?: string[] }).problems ?? [])].map((p) => /: (\/[\w/]+) is still a TODO/.exec(p)?.[1] ?? p);
    }
  })();
  // Exactly the TODOs the draft marked are filled: nothing else is touched.
  expect(todos.sort()).toEqual(Object.keys(fill).sort());
  for (const [pointer, value] of Object.entries(fill)) doc.setIn(pointer.slice(1).split('/'), value);
  writeFileSync(out, doc.toString());
  return parseProfile(out, doc.toString(), env);
}

describe('profile check', () => {
  let sandbox: RunningSandbox;
  let api: DecimalApi;

  beforeAll(async () => {
    process.env.DECIMAL_API_KEY = 'decimal-key';
    process.env.API_KEY = 'decimal-key';
    sandbox = await startSandbox({ quiet: true, timeScale: 0.01 });
    api = await startDecimalApi({ processingMs: 0 });
  });
  afterAll(async () => {
    await sandbox?.close();
    await api?.close();
  });

  it('accepts the built-in sandbox profile on the sandbox: every operation tried, every line ok', async () => {
    const result = await checkProfile({ target: sandbox.url, profile: loadProfile('sandbox'), callbackWaitMs: 10_000 });
    expect(notOk(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const ops = new Set(result.lines.map((l) => l.op));
    for (const op of ['registerWebhook', 'create', 'get', 'list', 'capture', 'refund', 'replay', 'mismatch', 'cancel', 'callback']) expect(ops).toContain(op);
    expect(lineOf(result, 'capture', 'amountCaptured')?.value).toBe('1250 → 1250 minor units');
    expect(lineOf(result, 'callback', 'signature')?.mark).toBe('ok');
    expect(lineOf(result, 'mismatch', 'request')?.value).toMatch(/→ 422$/);
    // The signing secret is never shown, and what the check created ends in a terminal state.
    expect(formatLines(result.lines)).not.toMatch(/whsec_/);
    expect(result.remains.filter((r) => r.startsWith('payment'))).toEqual([
      expect.stringMatching(/in state refunded \(terminal/), expect.stringMatching(/in state canceled \(terminal/),
    ]);
  });

  it('accepts examples/profiles/decimal-api.yaml on the decimal-api fixture (decimal amounts, HMAC callbacks, coded 409s)', async () => {
    const result = await checkProfile({ target: api.url, profile: loadProfile(decimalFile), callbackWaitMs: 10_000 });
    expect(notOk(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(lineOf(result, 'create', 'amount')?.value).toMatch(/"value":"12\.50".*→ 1250 minor units/);
    expect(lineOf(result, 'callback', 'signature')?.value).toBe('hmac X-Signature');
  });

  it('accepts the form-api fixture\'s profile (form bodies, key in the body, Stripe signatures) and never shows its card number', async () => {
    process.env.FORM_API_KEY = 'fixture-key';
    const form = await startFormApi();
    try {
      const profile = loadProfile(fileURLToPath(new URL('../../test/fixtures/form-api/profile.yaml', import.meta.url)));
      const result = await checkProfile({ target: form.url, profile, callbackWaitMs: 10_000 });
      expect(notOk(result)).toEqual([]);
      expect(result.exitCode).toBe(0);
      const card = JSON.stringify(profile.operations.create.body).match(/\d{13,19}/)?.[0];
      expect(card).toBeDefined();
      expect(formatLines(result.lines)).not.toContain(card);
    } finally {
      await form.close();
    }
  });

  it('names the field when a mapping is wrong: a status path that resolves to nothing, minor units on a decimal API', async () => {
    const profile = loadProfile(decimalFile);
    profile.fields.status = '$.status';
    const missing = await checkProfile({ target: api.url, profile, callbackWaitMs: 3_000 });
    expect(missing.exitCode).toBe(1);
    expect(missing.lines).toContainEqual(expect.objectContaining({ op: 'create', what: 'status', path: '$.status', mark: 'missing' }));

    const minor = loadProfile(decimalFile);
    minor.amountFormat = { kind: 'minor' };
    const wrong = await checkProfile({ target: api.url, profile: minor, callbackWaitMs: 3_000 });
    expect(wrong.exitCode).toBe(1);
    // The amount object does not decode as minor units, and a capture sent in minor units is refused in the API's own words.
    expect(lineOf(wrong, 'create', 'amount')).toMatchObject({ path: '$.amount', mark: 'suspicious', note: expect.stringMatching(/amountFormat/) });
    expect(lineOf(wrong, 'capture', 'request')).toMatchObject({ mark: 'suspicious', note: expect.stringMatching(/class validation.*invalid_amount/) });
  });

  it('marks an amount that does not round-trip, and a mismatch classed as something else', async () => {
    const profile = loadProfile(decimalFile);
    // The create still sends decimals (its own format), but the answers are read as minor units: 12.50 is not 1250.
    profile.operations.create.amountFormat = { kind: 'object', value: 'decimal-string' };
    profile.amountFormat = { kind: 'minor', fields: { amount: { kind: 'object', value: 'minor' } } };
    profile.errors = profile.errors!.filter((r) => r.class !== 'mismatch');
    profile.idempotency.mismatchStatus = [409];
    const result = await checkProfile({ target: api.url, profile, callbackWaitMs: 3_000 });
    expect(result.exitCode).toBe(1);
    expect(lineOf(result, 'create', 'amount')).toMatchObject({ mark: 'suspicious', note: expect.stringMatching(/round-trip|whole minor units/) });
    expect(lineOf(result, 'mismatch', 'request')).toMatchObject({ mark: 'suspicious', note: expect.stringMatching(/expected mismatch/) });
  });

  it('accepts a draft from the sandbox\'s own OpenAPI document once only its TODOs are filled', async () => {
    const res = await fetch(`${sandbox.url}/openapi.json`);
    expect(res.status).toBe(200);
    // The draft reads the key from ${API_KEY} (a variable to set, not a TODO).
    process.env.API_KEY = 'sk_test_payharness';
    const profile = await draftAndFill(`${sandbox.url}/openapi.json`, {
      '/lifecycle/transitions': { requires_capture: ['succeeded', 'canceled'], succeeded: ['partially_refunded', 'refunded'], partially_refunded: ['partially_refunded', 'refunded'] },
      '/webhooks/signature': 'standard-webhooks',
      '/webhooks/eventIdPath': '$.id',
      '/webhooks/eventTypePath': '$.type',
      '/webhooks/resourceIdPath': '$.data.object.id',
      '/webhooks/retryPolicy': { initialIntervalMs: 1000, multiplier: 2, maxIntervalMs: 60000, jitter: 0.1, maxAttempts: 6, timeScale: 0.01 },
    }, { API_KEY: 'sk_test_payharness' });
    const result = await checkProfile({ target: sandbox.url, profile, callbackWaitMs: 10_000 });
    expect(notOk(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('accepts a draft from the decimal-api fixture\'s document once only its TODOs are filled', async () => {
    process.env.API_KEY = 'decimal-key';
    const profile = await draftAndFill(`${api.url}/openapi.json`, {
      '/lifecycle/transitions': { authorized: ['captured', 'voided'], captured: ['partially_refunded', 'refunded'], partially_refunded: ['partially_refunded', 'refunded'] },
      '/webhooks/signature': { kind: 'hmac', header: 'X-Signature', prefix: 'sha256=', content: '{timestamp}.{body}', timestamp: { in: 'header', name: 'X-Timestamp' } },
      '/webhooks/eventIdPath': '$.event_id',
      '/webhooks/eventTypePath': '$.event_type',
      '/webhooks/resourceIdPath': '$.data.payment.payment_id',
      '/webhooks/retryPolicy': { initialIntervalMs: 40, multiplier: 2, maxIntervalMs: 1000, jitter: 0, maxAttempts: 5 },
    }, { API_KEY: 'decimal-key' });
    const result = await checkProfile({ target: api.url, profile, callbackWaitMs: 10_000 });
    expect(notOk(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('is refused on a non-local target without --allow-target, and reports an unreachable target as such', async () => {
    const refused = await rejection(checkProfile({ target: 'http://payments.example.com', profile: loadProfile('sandbox') }));
    expect(refused).toMatchObject({ code: 'E_TARGET_NOT_ALLOWED', exitCode: 3 });
    const closed = await startSandbox({ quiet: true });
    const url = closed.url;
    await closed.close();
    const down = await rejection(checkProfile({ target: url, profile: loadProfile('sandbox') }));
    expect(down).toMatchObject({ code: 'E_TARGET_UNREACHABLE', exitCode: 4 });
    expect(down.message).toContain(`${url}/v1/webhook_endpoints`);
  });

  it('exits 1 from the CLI with the lines that say why', async () => {
    const profile = readFileSync(decimalFile, 'utf8').replace('status: $.state', 'status: $.status');
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, profile);
    const cli = await runCli(['profile', 'check', '--target', api.url, '--profile', file, '--callback-wait', '3000'], { env: { DECIMAL_API_KEY: 'decimal-key' } });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/missing\s+status \$\.status = \(absent\)/);
    expect(cli.stdout).toMatch(/profile does not fit: .*create \$\.status/);
  }, 60_000);
});
