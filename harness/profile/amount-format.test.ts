import { describe, expect, it } from 'vitest';
import { currencyExponent, decimalToMinor, encodeAmount, minorToDecimal, readAmount } from './amount-format.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import type { AmountFormatSpec, ApiProfile } from '../config/profile-types.js';

const withFormat = (amountFormat: AmountFormatSpec, extra: Partial<ApiProfile> = {}): ApiProfile => ({ ...SANDBOX_PROFILE, amountFormat, ...extra });

describe('amount formats', () => {
  it('knows ISO 4217 exponents, defaults to 2 and lets the profile override', () => {
    expect(currencyExponent(SANDBOX_PROFILE, 'JPY')).toBe(0);
    expect(currencyExponent(SANDBOX_PROFILE, 'eur')).toBe(2);
    expect(currencyExponent(SANDBOX_PROFILE, 'KWD')).toBe(3);
    expect(currencyExponent(SANDBOX_PROFILE, 'XYZ')).toBe(2);
    expect(currencyExponent(withFormat({ kind: 'minor', exponents: { XYZ: 0, JPY: 2 } }), 'xyz')).toBe(0);
    expect(currencyExponent(withFormat({ kind: 'minor', exponents: { JPY: 2 } }), 'JPY')).toBe(2);
  });

  it('moves the decimal point in text, never through floats', () => {
    expect(minorToDecimal(1250, 2)).toBe('12.50');
    expect(minorToDecimal(5, 2)).toBe('0.05');
    expect(minorToDecimal(1250, 0)).toBe('1250');
    expect(minorToDecimal(1250, 3)).toBe('1.250');
    expect(minorToDecimal(-7, 3)).toBe('-0.007');
    expect(decimalToMinor('12.50', 2)).toBe(1250);
    expect(decimalToMinor('12.5', 2)).toBe(1250);
    expect(decimalToMinor('0.29', 2)).toBe(29); // 0.29 * 100 is 28.999999999999996 in floats
    expect(decimalToMinor(0.29, 2)).toBe(29);
    expect(decimalToMinor('12.500', 2)).toBe(1250);
    expect(decimalToMinor('1.250', 3)).toBe(1250);
    expect(decimalToMinor('1250', 0)).toBe(1250);
    expect(decimalToMinor('12', 2)).toBe(1200);
    expect(decimalToMinor('-3.10', 2)).toBe(-310);
    // Sub-minor precision is kept as a fraction so the money checks can see it; junk is unreadable.
    expect(decimalToMinor('12.505', 2)).toBe(1250.5);
    expect(decimalToMinor('12,50', 2)).toBeUndefined();
    expect(decimalToMinor('', 2)).toBeUndefined();
    expect(decimalToMinor('.', 2)).toBeUndefined();
  });

  it('encodes {amount} as minor units, decimal strings or numbers, or {value, currency}', () => {
    expect(encodeAmount(SANDBOX_PROFILE, 1250, 'EUR')).toBe(1250);
    expect(encodeAmount(withFormat({ kind: 'decimal-string' }), 1250, 'EUR')).toBe('12.50');
    expect(encodeAmount(withFormat({ kind: 'decimal-string' }), 1250, 'JPY')).toBe('1250');
    expect(encodeAmount(withFormat({ kind: 'decimal-string' }), 1250, 'KWD')).toBe('1.250');
    expect(encodeAmount(withFormat({ kind: 'decimal-number' }), 1250, 'EUR')).toBe(12.5);
    expect(encodeAmount(withFormat({ kind: 'object' }), 1250, 'EUR', undefined, 'eur')).toEqual({ value: '12.50', currency: 'eur' });
    expect(encodeAmount(withFormat({ kind: 'object', value: 'minor', valueField: 'units', currencyField: 'ccy' }), 1250, 'EUR'))
      .toEqual({ units: 1250, ccy: 'EUR' });
    // An operation's own format wins over the profile's.
    expect(encodeAmount(withFormat({ kind: 'decimal-string' }), 1250, 'EUR', { kind: 'minor' })).toBe(1250);
  });

  it('reads answers back into minor units with the answer\'s currency', () => {
    const decimal = withFormat({ kind: 'decimal-string', fields: { amountRefunded: { kind: 'minor' } } }, {
      fields: { ...SANDBOX_PROFILE.fields, amount: '$.amount', amountRefunded: '$.refunded', currency: '$.currency' },
    });
    expect(readAmount(decimal, { amount: '12.50', currency: 'eur' }, '$.amount')).toBe(1250);
    expect(readAmount(decimal, { amount: '1250', currency: 'jpy' }, '$.amount')).toBe(1250);
    expect(readAmount(decimal, { amount: '1.250', currency: 'KWD' }, '$.amount')).toBe(1250);
    // No currency in the answer: the profile's (EUR).
    expect(readAmount(decimal, { amount: '3.00' }, '$.amount')).toBe(300);
    // Per-field override: the refunded total is in minor units on this API.
    expect(readAmount(decimal, { refunded: 300, currency: 'eur' }, '$.refunded')).toBe(300);
    expect(readAmount(decimal, { currency: 'eur' }, '$.amount')).toBeUndefined();
    expect(readAmount(decimal, { amount: { weird: 1 } }, '$.amount')).toBeUndefined();

    const nested = withFormat({ kind: 'object' });
    expect(readAmount(nested, { amount: { value: '0.29', currency: 'USD' } }, '$.amount')).toBe(29);
    expect(readAmount(nested, { amount: { value: '29', currency: 'JPY' } }, '$.amount')).toBe(29);
    expect(readAmount(nested, { amount: '12.00' }, '$.amount')).toBeUndefined();
  });

  it('is a drop-in for num(readField(...)) on minor-unit profiles', () => {
    expect(readAmount(SANDBOX_PROFILE, { amount: 1250 }, '$.amount')).toBe(1250);
    expect(readAmount(SANDBOX_PROFILE, { amount: '1250' }, '$.amount')).toBe(1250);
    expect(readAmount(SANDBOX_PROFILE, { amount: '' }, '$.amount')).toBeUndefined();
    expect(readAmount(SANDBOX_PROFILE, { amount: null }, '$.amount')).toBeUndefined();
    expect(readAmount(SANDBOX_PROFILE, {}, '$.amount_captured')).toBeUndefined();
    expect(readAmount(SANDBOX_PROFILE, undefined, '$.amount')).toBeUndefined();
  });
});
