import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactJson, redactText } from './redact.js';

describe('redaction', () => {
  it('masks Luhn-valid card numbers and leaves other digit runs alone', () => {
    expect(redactText('card 4242 4242 4242 4242 ok')).toBe('card 424242******4242 ok');
    expect(redactText('order 1234567890123')).toBe('order 1234567890123');
  });

  it('masks bearer tokens and API keys in free text', () => {
    const text = redactText('Authorization: Bearer sk_test_abc123 and key sk_live_ZZZ and whsec_c2VjcmV0');
    expect(text).not.toMatch(/sk_test_abc123|sk_live_ZZZ|whsec_c2VjcmV0/);
    expect(text).toContain(REDACTED);
  });

  it('drops secret header values whatever their case', () => {
    expect(redactHeaders({ Authorization: 'Bearer x', 'X-Api-Key': 'k', 'content-type': 'application/json' })).toEqual({
      Authorization: REDACTED,
      'X-Api-Key': REDACTED,
      'content-type': 'application/json',
    });
  });

  it('masks secret keys and PANs deep inside JSON', () => {
    const out = redactJson({ secret: 'whsec_x', card: { number: '4111111111111111', cvc: '123' }, amount: 100 });
    expect(out).toEqual({ secret: REDACTED, card: { number: '411111******1111', cvc: REDACTED }, amount: 100 });
  });

  it('masks any key that ends in secret, token or password, but not ordinary fields', () => {
    const out = redactJson({ signing_secret: 's1', webhookSecret: 's2', access_token: 't', db_password: 'p', reference: 'order-1', status: 'ok' });
    expect(out).toEqual({ signing_secret: REDACTED, webhookSecret: REDACTED, access_token: REDACTED, db_password: REDACTED, reference: 'order-1', status: 'ok' });
  });
});
