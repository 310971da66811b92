import { K6_RUNTIME_REQUESTS } from './k6-runtime-requests.js';

/**
 * The part of every generated k6 script that does not depend on the scenario: seeded choices
 * (the same generator as the built-in engine, so one seed gives the same workload on both),
 * request building from the profile, and the `payharness_ops` counter whose points carry each
 * request's outcome into k6's NDJSON, from which payharness rebuilds the history.
 *
 * The per-request record travels as sample *metadata* (`exec.vu.metrics.metadata`), not as tags:
 * k6 keys its time series by metric and tag set, so one tag holding a per-request value (a start
 * time, an id, a body) makes one time series per request, and k6's memory grows with every
 * request (5 GB at 2,000 requests/s for 30 s). Metadata is written to `--out json` as
 * `data.metadata` but is not part of the series key. Only low-cardinality tags stay on samples.
 * Plain ES2020 for k6's runtime; type-checked against @types/k6 in k6-script.test.ts. Seeded
 * choices and request building are in k6-runtime-requests.ts.
 */
export const K6_RUNTIME = String.raw`
const ops = new Counter('payharness_ops');
/** The metadata key holding one request's record (JSON), set only while its point is added. */
const OP_METADATA = 'payharness_op';
/** Response bodies longer than this are left out of the record (the history keeps no body then). */
const MAX_RECORDED_BODY = 16384;

${K6_RUNTIME_REQUESTS}

const DEFAULT_EXPECTED = http.expectedStatuses({ min: 200, max: 399 });
const IN_FLIGHT_EXPECTED = http.expectedStatuses({ min: 200, max: 399 }, ...PROFILE.idempotency.inFlightStatus);

/**
 * @param {{ method: string, path: string, headers: Record<string, string>, body: string | null, fields: unknown }} req
 * @param {Record<string, string>} meta
 * @param {boolean} tolerant
 */
function asBatchItem(req, meta, tolerant) {
  return {
    method: req.method,
    url: TARGET + req.path,
    body: req.body,
    params: { headers: req.headers, tags: { name: meta.op }, responseCallback: tolerant ? IN_FLIGHT_EXPECTED : DEFAULT_EXPECTED },
  };
}

/**
 * The response headers the history keeps, looked up without regard to case (k6 canonicalises names).
 * @param {Record<string, string>} headers
 * @returns {Record<string, string> | undefined}
 */
function keptHeaders(headers) {
  /** @type {Record<string, string> | undefined} */
  let kept;
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (KEPT_HEADERS.indexOf(lower) >= 0) (kept = kept || {})[lower] = String(headers[name]);
  }
  return kept;
}

/**
 * Records one finished request as a payharness_ops point (history) and a k6 check. The record
 * rides on the point as metadata, set just before the point is added and removed right after,
 * so no other sample (HTTP, checks, iterations) carries it.
 * @param {import('k6/http').RefinedResponse<any>} res
 * @param {{ method: string, path: string, fields: unknown }} req
 * @param {Record<string, string>} meta
 * @param {number} startedAt
 * @param {string} checkName
 * @param {boolean} tolerant
 */
function record(res, req, meta, startedAt, checkName, tolerant) {
  const status = res.status;
  const ok = status >= 200 && status < 400 || (tolerant && PROFILE.idempotency.inFlightStatus.indexOf(status) >= 0);
  check(res, { [checkName]: () => ok });
  const body = typeof res.body === 'string' ? res.body : '';
  let json;
  try { json = JSON.parse(body); } catch (e) { json = undefined; }
  const rid = status >= 200 && status < 300 ? readField(json, PROFILE.fields.id) : undefined;
  const pst = readField(json, PROFILE.fields.status);
  // Each read of exec.vu builds a fresh object in k6: read it once per request.
  const vu = exec.vu;
  /** @type {Record<string, unknown>} */
  const op = Object.assign({}, meta, {
    t0: startedAt,
    ms: res.timings.duration,
    method: req.method,
    path: req.path,
    st: status,
    vu: vu.idInTest,
  });
  if (req.fields !== undefined) op.req = req.fields;
  if (status > 0 && body.length <= MAX_RECORDED_BODY) op.res = body;
  const headers = keptHeaders(res.headers || {});
  if (headers) op.headers = headers;
  if (typeof rid === 'string' || typeof rid === 'number') op.rid = String(rid);
  if (typeof pst === 'string') op.pst = pst;
  if (res.error) op.err = String(res.error);
  const metadata = vu.metrics.metadata;
  metadata[OP_METADATA] = JSON.stringify(op);
  ops.add(1, { op: meta.op, intent: meta.intent });
  delete metadata[OP_METADATA];
  return typeof rid === 'string' || typeof rid === 'number' ? String(rid) : undefined;
}

/** @param {string} scenario */
function paymentIteration(scenario) {
  const cfg = FLOWS[scenario];
  const iteration = exec.scenario.iterationInTest;
  const random = mulberry32(hashString(SEED + ':' + scenario + ':' + iteration));
  const flow = pickWeighted(random, cfg.flows);
  const roll = random();
  const concurrentCopy = roll < cfg.concurrent;
  const retryCopy = !concurrentCopy && roll < cfg.concurrent + cfg.retry;
  const amount = cfg.amount.min + Math.floor(random() * (cfg.amount.max - cfg.amount.min + 1));
  const logicalId = scenario + '-' + iteration;
  const reference = RUN_ID + '-' + logicalId;
  const captureMode = flow === 'authorize-capture' ? 'manual' : 'automatic';
  const dup = concurrentCopy || retryCopy ? '1' : '0';
  const createParams = { amount, reference, captureMode, idempotencyKey: reference + '-create' };
  const create = buildRequest('create', createParams);
  const meta = { op: 'create', logical: logicalId, ref: reference, dup, ikey: reference + '-create', amount: String(amount), attempt: '1', intent: 'workload' };
  let startedAt = Date.now();
  let id;
  if (concurrentCopy) {
    const copyMeta = Object.assign({}, meta, { attempt: '2', intent: 'concurrent-copy' });
    const responses = http.batch([asBatchItem(create, meta, false), asBatchItem(create, copyMeta, true)]);
    id = record(responses[0], create, meta, startedAt, 'create succeeded', false);
    record(responses[1], create, copyMeta, startedAt, 'duplicate answered once', true);
  } else {
    const item = asBatchItem(create, meta, false);
    id = record(http.request(item.method, item.url, item.body, item.params), create, meta, startedAt, 'create succeeded', false);
    if (retryCopy) {
      const retryMeta = Object.assign({}, meta, { attempt: '2', intent: 'retry' });
      startedAt = Date.now();
      record(http.request(item.method, item.url, item.body, item.params), create, retryMeta, startedAt, 'retry replayed', false);
    }
  }
  if (id === undefined || flow === 'create') return;
  const half = Math.max(1, Math.floor(amount / 2));
  /** @type {[string, Record<string, unknown>, number | undefined]} */
  const next = flow === 'authorize-capture' ? ['capture', { id, amount, idempotencyKey: reference + '-capture' }, amount]
    : flow === 'create-refund' ? ['refund', { id, amount: half, idempotencyKey: reference + '-refund' }, half]
    : ['get', { id }, undefined];
  const req = buildRequest(next[0], next[1]);
  /** @type {Record<string, string>} */
  const stepMeta = { op: next[0], logical: logicalId, ref: reference, dup: '0', attempt: '1', intent: 'workload', target_id: id };
  if (next[1].idempotencyKey !== undefined) stepMeta.ikey = String(next[1].idempotencyKey);
  if (next[2] !== undefined) stepMeta.amount = String(next[2]);
  const item = asBatchItem(req, stepMeta, false);
  startedAt = Date.now();
  record(http.request(item.method, item.url, item.body, item.params), req, stepMeta, startedAt, next[0] + ' succeeded', false);
}
`;
