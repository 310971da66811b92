import { describe, expect, it } from 'vitest';
import { buildRequest, formEncode, maskField, readField } from './request.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import type { ApiProfile } from '../config/profile-types.js';

describe('buildRequest', () => {
  it('fills the sandbox create as JSON with typed amount and the key in a header', () => {
    const r = buildRequest(SANDBOX_PROFILE, 'create', { amount: 1200, currency: 'EUR', reference: 'r-1', captureMode: 'manual', idempotencyKey: 'k-1' });
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/v1/payments');
    expect(r.headers['Idempotency-Key']).toBe('k-1');
    expect(JSON.parse(r.body!)).toEqual({ amount: 1200, currency: 'EUR', reference: 'r-1', capture: 'manual' });
  });

  it('sends as a named merchant: its headers over the profile\'s, names compared without case; an unknown one is refused', () => {
    process.env.PH_TEST_MERCHANT_B = 'sk_test_b';
    const profile: ApiProfile = {
      ...SANDBOX_PROFILE, headers: { Authorization: 'Bearer sk_test_a', 'X-Client': 'payharness' },
      merchants: { b: { headers: { authorization: 'Bearer ${PH_TEST_MERCHANT_B}' } } },
    };
    const asDefault = buildRequest(profile, 'create', { amount: 1, idempotencyKey: 'k' });
    expect(asDefault.headers).toMatchObject({ Authorization: 'Bearer sk_test_a', 'X-Client': 'payharness' });
    const asB = buildRequest(profile, 'create', { amount: 1, idempotencyKey: 'k', merchant: 'b' });
    expect(asB.headers).toMatchObject({ authorization: 'Bearer sk_test_b', 'X-Client': 'payharness', 'Idempotency-Key': 'k' });
    expect(asB.headers.Authorization).toBeUndefined();
    // The merchant is who sends, not a placeholder: it never reaches the body.
    expect(JSON.parse(asB.body!)).not.toHaveProperty('merchant');
    expect(() => buildRequest(profile, 'create', { amount: 1, merchant: 'c' })).toThrow(/has no merchant "c"/);
  });

  it('omits unset placeholders, encodes path values and builds the list query', () => {
    const capture = buildRequest(SANDBOX_PROFILE, 'capture', { id: 'pay/1', idempotencyKey: 'k' });
    expect(capture.path).toBe('/v1/payments/pay%2F1/capture');
    expect(JSON.parse(capture.body!)).toEqual({});
    expect(buildRequest(SANDBOX_PROFILE, 'list', { reference: 'a b' }).path).toBe('/v1/payments?reference=a+b');
    expect(buildRequest(SANDBOX_PROFILE, 'get', { id: 'p', idempotencyKey: 'k' }).headers['Idempotency-Key']).toBeUndefined();
  });

  it('form-encodes with the key in a body field and expands ${ENV} headers', () => {
    process.env.PH_TEST_KEY = 'secret-value';
    const profile: ApiProfile = {
      ...SANDBOX_PROFILE, encoding: 'form', headers: { 'X-Api-Key': '${PH_TEST_KEY}' },
      idempotency: { ...SANDBOX_PROFILE.idempotency, in: 'body', name: 'idem_key' },
      operations: { ...SANDBOX_PROFILE.operations, create: { method: 'POST', path: '/c', body: { amount: '{amount}', meta: { ref: '{reference}' } } } },
    };
    const r = buildRequest(profile, 'create', { amount: 5, reference: 'x', idempotencyKey: 'k' });
    expect(r.contentType).toBe('application/x-www-form-urlencoded');
    expect(r.body).toBe('amount=5&meta%5Bref%5D=x&idem_key=k');
    expect(r.headers['X-Api-Key']).toBe('secret-value');
    expect(formEncode({ events: ['a', 'b'] })).toBe('events%5B%5D=a&events%5B%5D=b');
  });

  it('maps placeholder values and writes amounts in the profile\'s format in every operation', () => {
    const profile: ApiProfile = {
      ...SANDBOX_PROFILE,
      amountFormat: { kind: 'decimal-string' },
      placeholders: { captureMode: { map: { automatic: true, manual: false } }, currency: { case: 'lower' } },
      operations: {
        ...SANDBOX_PROFILE.operations,
        create: { method: 'POST', path: '/v2/payments', body: { amount: '{amount}', currency: '{currency}', auto_capture: '{captureMode}', reference: '{reference}' } },
        capture: {
          method: 'POST', path: '/v2/payments/{id}/capture', query: { ccy: '{currency}', ref: '{reference}' },
          body: { payment: '{id}', money: { amount: '{amount}', currency: '{currency}' }, note: 'capture {amount} {currency}' },
        },
        refund: { method: 'POST', path: '/v2/refunds/{currency}/{amount}', body: { amount: '{amount}' }, amountFormat: { kind: 'minor' } },
      },
    };
    const create = buildRequest(profile, 'create', { amount: 1250, currency: 'EUR', reference: 'r', captureMode: 'automatic', idempotencyKey: 'k' });
    expect(JSON.parse(create.body!)).toEqual({ amount: '12.50', currency: 'eur', auto_capture: true, reference: 'r' });
    const manual = buildRequest(profile, 'create', { amount: 500, currency: 'JPY', reference: 'r', captureMode: 'manual' });
    expect(JSON.parse(manual.body!)).toEqual({ amount: '500', currency: 'jpy', auto_capture: false, reference: 'r' });
    // Currency defaults to the profile's in operations whose caller does not pass one; reference and id fill wherever written.
    const capture = buildRequest(profile, 'capture', { id: 'p1', amount: 1250, reference: 'r' });
    expect(capture.path).toBe('/v2/payments/p1/capture?ccy=eur&ref=r');
    expect(JSON.parse(capture.body!)).toEqual({ payment: 'p1', money: { amount: '12.50', currency: 'eur' }, note: 'capture 12.50 eur' });
    // An operation's own amount format wins, in the path too.
    const refund = buildRequest(profile, 'refund', { id: 'p1', amount: 300, currency: 'KWD' });
    expect(refund.path).toBe('/v2/refunds/kwd/300');
    expect(JSON.parse(refund.body!)).toEqual({ amount: 300 });
    // Nested {value, currency} objects, form-encoded with brackets.
    const objects: ApiProfile = { ...profile, encoding: 'form', amountFormat: { kind: 'object' } };
    expect(buildRequest(objects, 'create', { amount: 1250, reference: 'r', captureMode: 'manual' }).body)
      .toBe('amount%5Bvalue%5D=12.50&amount%5Bcurrency%5D=eur&currency=eur&auto_capture=false&reference=r');
    // A list placeholder inside longer text is one comma-separated value.
    const hooks: ApiProfile = { ...profile, webhooks: { ...SANDBOX_PROFILE.webhooks!, register: { method: 'POST', path: '/hooks', body: { url: '{url}', events: 'list:{events}' } } } };
    expect(JSON.parse(buildRequest(hooks, 'registerWebhook', { url: 'http://x', events: ['a', 'b'] }).body!)).toEqual({ url: 'http://x', events: 'list:a,b' });
  });

  it('resolves ${VAR:-default} in headers and refuses an unset variable instead of sending an empty header', () => {
    delete process.env.PH_TEST_UNSET;
    const defaulted: ApiProfile = { ...SANDBOX_PROFILE, headers: { 'X-Tenant': '${PH_TEST_UNSET:-t1}' } };
    expect(buildRequest(defaulted, 'get', { id: 'p' }).headers['X-Tenant']).toBe('t1');
    const unset: ApiProfile = { ...SANDBOX_PROFILE, headers: { 'X-Api-Key': 'key ${PH_TEST_UNSET}' } };
    expect(() => buildRequest(unset, 'get', { id: 'p' })).toThrow(/header X-Api-Key uses \$\{PH_TEST_UNSET\}, which is not set/);
  });

  it('names the missing operation in a usage error', () => {
    const profile = { ...SANDBOX_PROFILE, operations: { create: SANDBOX_PROFILE.operations.create, get: SANDBOX_PROFILE.operations.get } };
    expect(() => buildRequest(profile, 'refund', {})).toThrow(/does not define operation "refund"/);
  });
});

describe('readField', () => {
  it('reads nested paths and array indexes, undefined when absent', () => {
    const doc = { id: 'p', data: [{ id: 'a' }], money: { total: 3 } };
    expect(readField(doc, '$.id')).toBe('p');
    expect(readField(doc, '$.data[0].id')).toBe('a');
    expect(readField(doc, '$.money.total')).toBe(3);
    expect(readField(doc, '$')).toBe(doc);
    expect(readField(doc, '$.missing.deeper')).toBeUndefined();
    expect(readField('text', '$.id')).toBeUndefined();
  });
});

describe('maskField', () => {
  it('masks the value at a path in a copy, leaving the original and absent paths alone', () => {
    const doc = { id: 'we_1', keys: { signing_secret: 's3cr3t' }, list: [{ secret: 'x' }] };
    expect(maskField(doc, '$.keys.signing_secret')).toEqual({ id: 'we_1', keys: { signing_secret: '[REDACTED]' }, list: [{ secret: 'x' }] });
    expect(maskField(doc, '$.list[0].secret')).toEqual({ ...doc, list: [{ secret: '[REDACTED]' }] });
    expect(doc.keys.signing_secret).toBe('s3cr3t');
    expect(maskField(doc, '$.missing')).toBe(doc);
  });
});
