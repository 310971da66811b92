/** Header names whose values never reach history, logs or reports. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|stripe-signature|webhook-signature|x-signature)$/i;
/** Body/JSON keys whose values are secrets. */
const SECRET_KEYS = /(secret|password|passwd|token|api_?key|card_?number|cvc|cvv)$|^pan$/i;
/** 13–19 digits, optionally grouped by spaces or dashes: candidate card numbers. */
const PAN_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
/** Bearer/Basic credentials and sk_/pk_/whsec_ style keys wherever they appear in free text. */
const INLINE_SECRETS = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\b(sk|rk|pk)_(test|live)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9+/=]+/g;

export const REDACTED = '[REDACTED]';

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Masks card numbers (Luhn-valid 13–19 digit runs) and inline credentials in free text. */
export function redactText(text: string): string {
  return text
    .replace(INLINE_SECRETS, (m, scheme: string | undefined) => (scheme ? `${scheme} ${REDACTED}` : REDACTED))
    .replace(PAN_CANDIDATE, (m) => {
      const digits = m.replace(/[ -]/g, '');
      return luhnValid(digits) ? `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}` : m;
    });
}

/** Copies headers with secret values replaced. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    out[name] = SECRET_HEADERS.test(name) ? REDACTED : redactText(joined);
  }
  return out;
}

/** Deep-copies a JSON value with secret keys and card numbers masked. */
export function redactJson<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactJson(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.test(k) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : redactJson(v);
    }
    return out as T;
  }
  return value;
}
