import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadProfile, parseProfile } from './profile.js';
import { SANDBOX_PROFILE } from './sandbox-profile.js';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';

const catchError = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('not rejected');
};

describe('profiles', () => {
  it('the built-in sandbox profile is valid against the schema', () => {
    expect(parseProfile('sandbox.yaml', stringify(SANDBOX_PROFILE))).toEqual(SANDBOX_PROFILE);
    expect(loadProfile('sandbox').name).toBe('sandbox');
  });

  it('extends: sandbox overrides only what the file gives', () => {
    const p = parseProfile('p.yaml', 'extends: sandbox\nname: staging\nheaders: {Authorization: "Bearer ${STAGING_KEY}"}\n', { STAGING_KEY: 'k' });
    expect(p.name).toBe('staging');
    expect(p.operations.create.path).toBe('/v1/payments');
  });

  it('takes a basePath and named merchants, keeping their header references for request time; refuses a base path off the target', () => {
    const p = parseProfile('p.yaml', 'extends: sandbox\nbasePath: /api/v2\nmerchants: {second: {headers: {Authorization: "Bearer ${KEY_B}"}}}\n', { KEY_B: 'sk_test_b' });
    expect(p.basePath).toBe('/api/v2');
    // Like `headers`, a merchant's credential stays a reference until a request is built.
    expect(p.merchants).toEqual({ second: { headers: { Authorization: 'Bearer ${KEY_B}' } } });
    const problems = (catchError(() => parseProfile('p.yaml', 'extends: sandbox\nbasePath: //evil.example\nmerchants: {"a b": {headers: {}}, c: {}}\n')) as ConfigError).problems;
    expect(problems.some((l) => l.includes('/basePath'))).toBe(true);
    expect(problems.some((l) => l.includes('/merchants'))).toBe(true);
    expect(problems.some((l) => /\/merchants\/c\b.*headers/.test(l))).toBe(true);
    // An unset variable in a merchant's header is refused at load, like one in `headers`.
    expect(catchError(() => parseProfile('p.yaml', 'extends: sandbox\nmerchants: {second: {headers: {Authorization: "Bearer ${KEY_B}"}}}\n', {}))).toMatchObject({ code: 'E_PROFILE_ENV' });
  });

  it('reports located problems with hints', () => {
    try {
      parseProfile('p.yaml', 'extends: sandbox\nencoding: xml\nidempotency: {in: query}\nfields: {id: id}\n');
      throw new Error('not rejected');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems.find((p) => p.includes('encoding'))).toMatch(/^p\.yaml:2:11: .*use one of: json, form/);
      expect(problems.find((p) => p.includes('/idempotency/in'))).toMatch(/^p\.yaml:3:19: /);
      expect(problems.some((p) => p.includes('/fields/id'))).toBe(true);
    }
  });

  it('a missing file is a usage error naming the built-ins', () => {
    expect(() => loadProfile('/nonexistent/profile.yaml')).toThrow(/cannot read profile/);
  });

  it('expands ${VAR} and ${VAR:-default} anywhere, coercing whole references where a number is wanted', () => {
    const text = [
      'extends: sandbox',
      'name: ${PROFILE_NAME:-fallback-name}',
      'headers: {Authorization: "Bearer ${API_KEY}", X-Tenant: "${TENANT:-t1}"}',
      'operations: {get: {method: GET, path: "${BASE:-/api}/payments/{id}"}}',
      'webhooks: {retryPolicy: {initialIntervalMs: 100, multiplier: 2, maxIntervalMs: 1000, jitter: 0, maxAttempts: 3, timeScale: "${TIME_SCALE:-1}"}}',
    ].join('\n');
    const p = parseProfile('p.yaml', text, { API_KEY: 'sk_live_x', TIME_SCALE: '0.05' });
    expect(p.name).toBe('fallback-name');
    expect(p.operations.get.path).toBe('/api/payments/{id}');
    expect(p.webhooks!.retryPolicy.timeScale).toBe(0.05);
    // A credential stays a reference (resolved per request), so profiles written to run directories never hold it.
    expect(p.headers.Authorization).toBe('Bearer ${API_KEY}');
    expect(p.headers['X-Tenant']).toBe('t1');
    expect(parseProfile('p.yaml', text, { API_KEY: 'k', PROFILE_NAME: 'from-env' }).webhooks!.retryPolicy.timeScale).toBe(1);
    // A reference that is not a number where one is wanted is still the schema's to reject, located.
    const bad = catchError(() => parseProfile('p.yaml', text, { API_KEY: 'k', TIME_SCALE: 'fast' })) as ConfigError;
    expect(bad.problems.join('\n')).toMatch(/p\.yaml:5:\d+: .*timeScale must be number/);
  });

  it('an unset variable without a default is a usage error naming it and where the file uses it', () => {
    const text = 'extends: sandbox\nheaders:\n  X-Api-Key: ${PSP_KEY}\ncurrency: ${CURRENCY}\n';
    const error = catchError(() => parseProfile('psp.yaml', text, {})) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('E_PROFILE_ENV');
    expect(error.message).toContain('psp.yaml:3:14: ${PSP_KEY} is not set');
    expect(error.message).toContain('psp.yaml:4:11: ${CURRENCY} is not set');
    expect((error as UsageError).hint).toContain('${PSP_KEY:-value}');
  });

  it('fills the idempotency statuses from error rules, else from the IETF draft', () => {
    const { errors: _sandboxRules, ...withoutRules } = SANDBOX_PROFILE;
    const base = stringify({ ...withoutRules, idempotency: { in: 'header', name: 'X-Request-Id', required: true } });
    const plain = parseProfile('p.yaml', base);
    expect(plain.idempotency.mismatchStatus).toEqual([422]);
    expect(plain.idempotency.inFlightStatus).toEqual([409]);
    const withRules = parseProfile('p.yaml', `${base}errors:\n  - {status: 409, codePath: $.error.code, code: request_in_flight, class: in-flight}\n  - {status: [400, 412], class: mismatch}\n`);
    expect(withRules.idempotency.inFlightStatus).toEqual([409]);
    expect(withRules.idempotency.mismatchStatus).toEqual([400, 412]);
  });

  it('fills the retry policy\'s optional keys so the checks can read them', () => {
    const p = parseProfile('p.yaml', 'extends: sandbox\nwebhooks: {retryPolicy: {initialIntervalMs: 10, multiplier: 2, maxIntervalMs: 100, jitter: 0, maxAttempts: 3}}\n');
    // extends: sandbox merges the sandbox's policy; a profile of its own gets the defaults.
    expect(p.webhooks!.retryPolicy.stopOn).toEqual([410]);
    const own = { ...SANDBOX_PROFILE, webhooks: { ...SANDBOX_PROFILE.webhooks!, retryPolicy: { initialIntervalMs: 10, multiplier: 2, maxIntervalMs: 100, jitter: 0, maxAttempts: 3 } } };
    const q = parseProfile('q.yaml', stringify(own));
    expect(q.webhooks!.retryPolicy).toMatchObject({ honoursRetryAfter: false, stopOn: [], timeScale: 1 });
  });

  it('validates the new shapes: amount formats, placeholders, error rules, HMAC signatures', () => {
    const text = [
      'extends: sandbox',
      'amountFormat: {kind: decimal-strin, exponents: {XTS: 9}, fields: {amountRefunded: {kind: minor}}}',
      'placeholders: {captureMode: {map: {automatic: true}, case: title}}',
      'errors: [{status: 409, class: in-flight-ish}, {status: 42, class: mismatch}]',
      'webhooks: {signature: {kind: hmac, header: X-Signature, algorithm: md5, timestamp: {in: header}}}',
    ].join('\n');
    const problems = (catchError(() => parseProfile('p.yaml', text)) as ConfigError).problems.join('\n');
    expect(problems).toMatch(/p\.yaml:2:\d+: \/amountFormat\/kind is "decimal-strin".*did you mean "decimal-string"/);
    expect(problems).toMatch(/\/amountFormat\/exponents\/XTS must be <= 4/);
    expect(problems).toMatch(/p\.yaml:3:\d+: \/placeholders\/captureMode\/case/);
    expect(problems).toMatch(/\/errors\/0\/class is "in-flight-ish"/);
    expect(problems).toMatch(/\/errors\/1\/status must be >= 100/);
    expect(problems).toMatch(/\/webhooks\/signature\/algorithm is "md5"/);
    expect(problems).toMatch(/\/webhooks\/signature\/timestamp is missing "name"/);
  });

  it('reports every TODO a draft left, located, instead of a pattern error for each', () => {
    const text = 'extends: sandbox\nfields: {id: $.id, status: TODO status field, amount: $.amount}\ncurrency: TODO\n';
    const problems = (catchError(() => parseProfile('draft.yaml', text)) as ConfigError).problems;
    expect(problems).toEqual([
      'draft.yaml:2:28: /fields/status is still a TODO: TODO status field (hint: fill it in from the API\'s documentation)',
      'draft.yaml:3:11: /currency is still a TODO: TODO (hint: fill it in from the API\'s documentation)',
    ]);
  });
});
