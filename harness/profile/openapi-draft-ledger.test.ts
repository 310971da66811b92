import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { startStripeLikeApi, type StripeLikeApi } from '../../test/fixtures/stripe-like-api/server.js';
import { startDecimalApi, type DecimalApi } from '../../test/fixtures/decimal-api/server.js';
import { startSandbox } from '../../sandbox/index.js';
import { loadProfile, parseProfile } from '../config/profile.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { initProfile } from './profile-init.js';
import { checkProfile } from './profile-check.js';

/** `profile init` drafts `refundLedger` and `webhooks.eventKinds` when the document shows them, and says what to fill in when it does not. */
const EXAMPLE = fileURLToPath(new URL('../../examples/profiles/stripe-like.yaml', import.meta.url));
let stripe: StripeLikeApi;
let decimal: DecimalApi;

beforeAll(async () => {
  [stripe, decimal] = await Promise.all([startStripeLikeApi(), startDecimalApi({ processingMs: 0 })]);
});
afterAll(async () => Promise.all([stripe?.close(), decimal?.close()]));

const draftOf = (yaml: string): Record<string, any> => parseDocument(yaml).toJS() as Record<string, any>;

describe('profile init: refund ledger and event kinds', () => {
  it('drafts both on the Stripe-shaped API as its example profile declares them, and the ledger adds up on the live API', async () => {
    const { yaml, todos } = await initProfile({ openapi: `${stripe.url}/openapi.json` });
    const draft = draftOf(yaml);
    process.env.STRIPE_LIKE_API_KEY = 'sk_test_stripe_like';
    const example = loadProfile(EXAMPLE);
    expect(draft.refundLedger).toEqual({ ...example.refundLedger, counted: ['pending', 'succeeded'] });
    expect(draft.webhooks.eventKinds).toEqual(example.webhooks!.eventKinds);
    expect(yaml).toMatch(/# the payment's answer has no refunded total; refunds are listed by GET \/v1\/refunds\?payment_intent=…/);
    expect(yaml).toMatch(/# guessed from the event type names in the document \(6 payment events\)/);
    // Neither adds a TODO: the draft's gaps are the same as before.
    expect(todos).toBe(6);

    // Filled in as a person would, the drafted ledger reads the refunded total from the live API's refund list.
    const doc = parseDocument(yaml);
    doc.setIn(['lifecycle', 'transitions'], { requires_capture: ['succeeded', 'canceled'] });
    doc.setIn(['webhooks', 'signature'], 'stripe');
    doc.setIn(['webhooks', 'eventIdPath'], '$.id');
    doc.setIn(['webhooks', 'eventTypePath'], '$.type');
    doc.setIn(['webhooks', 'resourceIdPath'], '$.data.object.id');
    doc.setIn(['webhooks', 'eventTypes'], { 'charge.refunded': { resourceIdPath: '$.data.object.payment_intent' } });
    doc.setIn(['webhooks', 'retryPolicy'], { initialIntervalMs: 50, multiplier: 2, maxIntervalMs: 1000, jitter: 0, maxAttempts: 5 });
    const profile = parseProfile('draft.yaml', doc.toString(), { API_KEY: 'sk_test_stripe_like' });
    process.env.API_KEY = 'sk_test_stripe_like';
    const result = await checkProfile({ target: stripe.url, profile, callbackWaitMs: 5_000 });
    expect(result.lines.find((l) => l.op === 'refund list')).toMatchObject({ what: 'refundLedger', mark: 'ok', value: '1 listed, 1 counted → 250 minor units' });
  }, 60_000);

  it('drafts the sandbox\'s event kinds, and no ledger where the payment carries its refunded total', async () => {
    const sandbox = await startSandbox({ quiet: true });
    try {
      const { yaml } = await initProfile({ openapi: `${sandbox.url}/openapi.json` });
      const draft = draftOf(yaml);
      expect(draft.webhooks.eventKinds).toEqual(SANDBOX_PROFILE.webhooks!.eventKinds);
      expect(yaml).toMatch(/# no event type name looked like authorized, failed; add them if the API sends them/);
      expect(draft.fields.amountRefunded).toBe('$.amount_refunded');
      expect(draft.refundLedger).toBeUndefined();
      expect(yaml).not.toMatch(/refundLedger/);
    } finally {
      await sandbox.close();
    }
  }, 60_000);

  it('leaves a commented placeholder for event kinds the document does not name (decimal-api: events is one free string)', async () => {
    const { yaml } = await initProfile({ openapi: `${decimal.url}/openapi.json` });
    const draft = draftOf(yaml);
    expect(draft.webhooks.eventKinds).toBeUndefined();
    expect(yaml).toMatch(/\n# webhooks\.eventKinds: the document names no payment event types[^\n]*\n(#[^\n]*\n)*#   eventKinds: \{created: <type>/);
    // The payment carries refunded_amount: no ledger, no placeholder for one.
    expect(draft.fields.amountRefunded).toBe('$.refunded_amount');
    expect(yaml).not.toMatch(/refundLedger/);
  });

  it('drafts a ledger of refund answers when refunds are their own objects but nothing lists them, and a placeholder when nothing tells', async () => {
    const ok = (schema: unknown): Record<string, unknown> => ({ '200': { description: 'ok', content: { 'application/json': { schema } } } });
    const payment = { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, amount: { type: 'integer' } } };
    const doc = (refundAnswer: unknown): string => JSON.stringify({
      openapi: '3.0.0', info: { title: 'Refunds' },
      paths: {
        '/payments': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { amount: { type: 'integer' } } } } } }, responses: ok(payment) } },
        '/payments/{pid}': { get: { responses: ok(payment) } },
        '/payments/{pid}/refunds': { post: { responses: ok(refundAnswer) } },
      },
    });
    const refund = { type: 'object', properties: { refund_id: { type: 'string' }, amount: { type: 'integer' }, state: { type: 'string', enum: ['processing', 'done', 'rejected'] } } };
    const dir = mkdtempSync(join(tmpdir(), 'ph-ledger-'));
    writeFileSync(join(dir, 'answers.json'), doc(refund));
    const answers = draftOf((await initProfile({ openapi: join(dir, 'answers.json') })).yaml);
    // Counted states are guessed from words the draft knows ("processing"); "done" is not one, which the note on counted asks a person to check.
    expect(answers.refundLedger).toEqual({ source: 'answers', amount: '$.amount', status: '$.state', counted: ['processing'] });
    writeFileSync(join(dir, 'nothing.json'), doc({ type: 'object' }));
    const nothing = await initProfile({ openapi: join(dir, 'nothing.json') });
    expect(draftOf(nothing.yaml).refundLedger).toBeUndefined();
    expect(nothing.yaml).toMatch(/\n# refundLedger: the payment's answer has no refunded total[^\n]*\n(#[^\n]*\n)*#   source: list\n/);
  });
});
