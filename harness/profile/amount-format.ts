import type { AmountEncoding, AmountField, ApiProfile } from '../config/profile-types.js';
import { readField } from '../workload/request.js';

/**
 * Amounts on the wire and in the checks. The checks always reason in minor units (integers); a
 * profile says how the API writes them: minor-unit integers, decimals with the currency's ISO 4217
 * exponent (`"12.50"` EUR, `"1250"` JPY, `"1.250"` KWD), or `{value, currency}` objects.
 */

/** ISO 4217 currencies whose exponent is not 2 (the default). */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0,
  XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const DEFAULT_ENCODING: AmountEncoding = { kind: 'minor' };

/** The currency's exponent: the profile's table first, then ISO 4217, then 2. */
export function currencyExponent(profile: ApiProfile, currency: string): number {
  const code = currency.toUpperCase();
  return profile.amountFormat?.exponents?.[code] ?? EXPONENTS[code] ?? 2;
}

/** Minor units as a decimal string with `exponent` digits after the point: 1250, 2 → "12.50". */
export function minorToDecimal(minor: number, exponent: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * A decimal (string or number) in minor units, moving the point in the text so no float rounding
 * creeps in. More digits than the exponent allows gives a fraction of a minor unit, which the money
 * checks then see as the violation it is; text that is not a decimal gives undefined.
 */
export function decimalToMinor(value: string | number, exponent: number): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const text = String(value);
    if (/e/i.test(text)) return value * 10 ** exponent;
    value = text;
  }
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, whole, fraction = ''] = m;
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  const rest = fraction.slice(exponent).replace(/0+$/, '');
  const minor = Number(`${whole || '0'}${kept}${rest ? `.${rest}` : ''}`);
  return sign === '-' ? -minor : minor;
}

/** The encoding that applies to an operation's `{amount}` (operation override, else the profile's). */
function outEncoding(profile: ApiProfile, override?: AmountEncoding): AmountEncoding {
  return override ?? profile.amountFormat ?? DEFAULT_ENCODING;
}

function encodeScalar(kind: Exclude<AmountEncoding['kind'], 'object'>, minor: number, exponent: number): string | number {
  if (kind === 'minor') return minor;
  const text = minorToDecimal(minor, exponent);
  return kind === 'decimal-string' ? text : Number(text);
}

/**
 * The value `{amount}` becomes in a request: a number, a decimal string, or a `{value, currency}`
 * object. `currencyValue` is the currency as the API wants it written (after placeholder maps).
 */
export function encodeAmount(
  profile: ApiProfile, minor: number, currency: string, override?: AmountEncoding, currencyValue: unknown = currency,
): unknown {
  const encoding = outEncoding(profile, override);
  const exponent = currencyExponent(profile, currency);
  if (encoding.kind !== 'object') return encodeScalar(encoding.kind, minor, exponent);
  return {
    [encoding.valueField ?? 'value']: encodeScalar(encoding.value ?? 'decimal-string', minor, exponent),
    [encoding.currencyField ?? 'currency']: currencyValue,
  };
}

/** The response field a path belongs to, for per-field overrides. */
function fieldOf(profile: ApiProfile, path: string): AmountField | undefined {
  const f = profile.fields;
  if (f.amount === path) return 'amount';
  if (f.amountCaptured === path) return 'amountCaptured';
  if (f.amountRefunded === path) return 'amountRefunded';
  return undefined;
}

/** The encoding an answer's field uses. */
export function inEncoding(profile: ApiProfile, path: string): AmountEncoding {
  const field = fieldOf(profile, path);
  return (field && profile.amountFormat?.fields?.[field]) ?? profile.amountFormat ?? DEFAULT_ENCODING;
}

function decodeScalar(kind: Exclude<AmountEncoding['kind'], 'object'>, raw: unknown, exponent: number): number | undefined {
  if (kind === 'minor') {
    if (typeof raw === 'number') return raw;
    return typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : undefined;
  }
  return typeof raw === 'string' || typeof raw === 'number' ? decimalToMinor(raw, exponent) : undefined;
}

/** The answer's currency: beside the amount (object form), at `fields.currency`, else the profile's. */
function answerCurrency(profile: ApiProfile, body: unknown, beside: unknown): string {
  if (typeof beside === 'string' && beside !== '') return beside;
  const read = profile.fields.currency ? readField(body, profile.fields.currency) : undefined;
  return typeof read === 'string' && read !== '' ? read : profile.currency;
}

/**
 * The amount at `path` in an answer, in minor units; undefined when absent or unreadable. A drop-in
 * for `num(readField(body, path))` that honours the profile's amount format.
 */
export function readAmount(profile: ApiProfile, body: unknown, path: string): number | undefined {
  const raw = readField(body, path);
  if (raw === undefined || raw === null) return undefined;
  const encoding = inEncoding(profile, path);
  // Minor units need no exponent: reading the answer's currency for one was most of this function's cost (checks read every amount).
  if (encoding.kind === 'minor') return decodeScalar('minor', raw, 0);
  if (encoding.kind !== 'object') {
    return decodeScalar(encoding.kind, raw, currencyExponent(profile, answerCurrency(profile, body, undefined)));
  }
  if (typeof raw !== 'object') return undefined;
  const inner = raw as Record<string, unknown>;
  const currency = answerCurrency(profile, body, inner[encoding.currencyField ?? 'currency']);
  return decodeScalar(encoding.value ?? 'decimal-string', inner[encoding.valueField ?? 'value'], currencyExponent(profile, currency));
}
