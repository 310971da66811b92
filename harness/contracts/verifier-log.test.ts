import { describe, expect, it } from 'vitest';
import { colourAllowed, verifierDetail } from './verifier-log.js';

const LOG = [
  'Verifying a pact between checkout-service and payharness-sandbox',
  '  a request to create a payment (12ms loading, 40ms verification)',
  '    returns a response which',
  '      has status code 201 (\x1b[32mOK\x1b[0m)',
  '',
  'Failures:',
  '',
  '1) Verifying a pact between checkout-service and payharness-sandbox - a retry',
  '    1.1) has a matching body',
  '           $.id -> Expected \x1b[31m"pay_1"\x1b[0m but received "pay_2"',
].join('\n');

describe('verifier log in a gate', () => {
  it('shows nothing of a passing verification and only the failures of a failing one', () => {
    expect(verifierDetail(LOG, { failed: false, verbose: false, colour: false })).toBe('');
    const detail = verifierDetail(LOG, { failed: true, verbose: false, colour: false });
    expect(detail.split('\n')[0]).toBe('Failures:');
    expect(detail).toContain('$.id -> Expected "pay_1" but received "pay_2"');
    expect(detail).not.toContain('has status code 201');
    expect(detail).not.toMatch(/\x1b\[/);
  });

  it('shows everything with --verbose, keeping colours only when allowed', () => {
    expect(verifierDetail(LOG, { failed: false, verbose: true, colour: false })).toContain('has status code 201 (OK)');
    expect(verifierDetail(LOG, { failed: false, verbose: true, colour: true })).toContain('\x1b[32mOK');
  });

  it('allows colours only on a terminal without NO_COLOR', () => {
    expect(colourAllowed({ isTTY: true }, {})).toBe(true);
    expect(colourAllowed({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourAllowed({ isTTY: false }, {})).toBe(false);
  });
});
