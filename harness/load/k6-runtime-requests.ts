/**
 * The part of the k6 runtime (k6-runtime.ts) that decides what to send: seeded choices (the same
 * generator as the built-in engine, harness/random.ts) and building a request from the profile
 * (placeholders, amount formats, form or JSON bodies, the idempotency key), as workload/request.ts
 * does for the built-in client. Plain ES2020 for k6's runtime, inserted into every generated script.
 */
export const K6_RUNTIME_REQUESTS = String.raw`/** @param {number} state */
function mulberry32(state) {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {string} text */
function hashString(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** @param {() => number} random @param {Array<[string, number]>} weighted */
function pickWeighted(random, weighted) {
  let total = 0;
  for (const entry of weighted) total += entry[1];
  let x = random() * total;
  for (const entry of weighted) {
    x -= entry[1];
    if (x < 0) return entry[0];
  }
  return weighted[weighted.length - 1][0];
}

/** @param {string} text */
function expandEnv(text) {
  return text.replace(/\$\{(\w+)\}/g, (m, name) => __ENV[name] || '');
}

/** A placeholder's value inside longer text, as the built-in client writes it: lists comma-joined, objects as JSON. @param {unknown} value @returns {string} */
function textOf(value) {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(textOf).join(',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * {amount} of operation op as the profile writes it: the compiled template with the probe (as a
 * number, as decimal text, or as a decimal number) replaced by this amount.
 * @param {string} op @param {number} minor @returns {unknown}
 */
function amountValue(op, minor) {
  const format = PROFILE.amounts[op];
  if (!format) return minor;
  const probeText = minorToDecimal(AMOUNT_PROBE, format.exponent);
  const text = minorToDecimal(minor, format.exponent);
  /** @param {unknown} v @returns {unknown} */
  const swap = (v) => {
    if (v === AMOUNT_PROBE) return minor;
    if (v === probeText) return text;
    if (typeof v === 'number' && v === Number(probeText)) return Number(text);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map((e) => [e[0], swap(e[1])]));
    return v;
  };
  return swap(format.template);
}

/**
 * The placeholder values of one request, written as the profile says (the currency and capture mode
 * already mapped at compile time, the amount in the operation's format); every operation has the currency.
 * @param {string} op @param {Record<string, unknown>} params @returns {Record<string, unknown>}
 */
function placeholderValues(op, params) {
  /** @type {Record<string, unknown>} */
  const values = Object.assign({}, params, { currency: PROFILE.placeholders.currency });
  if (typeof params.captureMode === 'string') values.captureMode = PROFILE.placeholders.captureMode[params.captureMode];
  if (typeof params.amount === 'number') values.amount = amountValue(op, params.amount);
  return values;
}

/** @param {unknown} template @param {Record<string, unknown>} params @returns {unknown} */
function fill(template, params) {
  if (typeof template === 'string') {
    const whole = /^\{(\w+)\}$/.exec(template);
    if (whole) return params[whole[1]];
    return template.replace(/\{(\w+)\}/g, (m, name) => textOf(params[name]));
  }
  if (Array.isArray(template)) return template.map((t) => fill(t, params)).filter((v) => v !== undefined);
  if (template && typeof template === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(template)) {
      const filled = fill(v, params);
      if (filled !== undefined) out[k] = filled;
    }
    return out;
  }
  return template;
}

/** @param {Record<string, unknown>} fields @returns {string} */
function formEncode(fields) {
  /** @type {string[]} */
  const pairs = [];
  /** @param {string} prefix @param {unknown} value */
  const walk = (prefix, value) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((v) => walk(prefix + '[]', v));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(prefix + '[' + k + ']', v);
    else pairs.push(encodeURIComponent(prefix) + '=' + encodeURIComponent(String(value)));
  };
  for (const [k, v] of Object.entries(fields)) walk(k, v);
  return pairs.join('&');
}

/** @param {unknown} json @param {string} path @returns {unknown} */
function readField(json, path) {
  const steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) || [];
  /** @type {any} */
  let cur = json;
  for (const step of steps) {
    if (cur === null || cur === undefined) return undefined;
    if (step.startsWith('[')) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(step.slice(1, -1))];
    } else {
      if (typeof cur !== 'object') return undefined;
      cur = cur[step];
    }
  }
  return cur;
}

/** @param {string} op @param {Record<string, unknown>} raw */
function buildRequest(op, raw) {
  /** @type {any} */
  const spec = PROFILE.operations[op];
  const params = placeholderValues(op, raw);
  let path = spec.path.replace(/\{(\w+)\}/g, (/** @type {string} */ m, /** @type {string} */ name) => encodeURIComponent(textOf(params[name])));
  if (spec.query) {
    /** @type {string[]} */
    const query = [];
    for (const [k, v] of Object.entries(spec.query)) {
      const filled = fill(v, params);
      const text = textOf(filled);
      if (text !== '') query.push(encodeURIComponent(k) + '=' + encodeURIComponent(text));
    }
    if (query.length) path += (path.includes('?') ? '&' : '?') + query.join('&');
  }
  /** @type {Record<string, string>} */
  const headers = {};
  for (const [k, v] of Object.entries(PROFILE.headers)) headers[k] = expandEnv(String(v));
  /** @type {Record<string, unknown> | undefined} */
  let fields = spec.body ? /** @type {Record<string, unknown>} */ (fill(spec.body, params)) : undefined;
  if (params.idempotencyKey !== undefined && spec.method !== 'GET') {
    if (PROFILE.idempotency.in === 'header') headers[PROFILE.idempotency.name] = String(params.idempotencyKey);
    else fields = Object.assign({}, fields || {}, { [PROFILE.idempotency.name]: params.idempotencyKey });
  }
  /** @type {string | null} */
  let body = null;
  if (fields !== undefined && spec.method !== 'GET') {
    headers['Content-Type'] = PROFILE.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    body = PROFILE.encoding === 'form' ? formEncode(fields) : JSON.stringify(fields);
  }
  return { method: String(spec.method), path, headers, body, fields };
}`;
