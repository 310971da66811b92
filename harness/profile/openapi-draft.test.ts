import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './test-support/rejection.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { startDecimalApi, type DecimalApi } from '../../test/fixtures/decimal-api/server.js';
import { initProfile } from './profile-init.js';
import { parseProfile } from '../config/profile.js';
import { ConfigError, InfraError, UsageError } from '../errors.js';
import { buildRequest, readField } from '../workload/request.js';
import { readAmount } from './amount-format.js';
import type { PaymentOperation } from '../history/types.js';
import type { RequestParams } from '../workload/request.js';

const dir = mkdtempSync(join(tmpdir(), 'ph-openapi-'));

describe('profile init --openapi', () => {
  let api: DecimalApi;
  let other: Server;
  let otherUrl: string;

  beforeAll(async () => {
    api = await startDecimalApi({ processingMs: 0 });
    // Serves what a misconfigured URL often gives: an HTML page, and a 404.
    other = createServer((req, res) => {
      if (req.url === '/docs') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Swagger UI</body></html>');
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await api.close();
    other.closeAllConnections();
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it('drafts a commented profile whose only problems are its TODOs, and which works once they are filled', async () => {
    const out = join(dir, 'draft.yaml');
    const result = await initProfile({ openapi: `${api.url}/openapi.json`, out });
    expect(result.operations).toEqual(['create', 'get', 'capture', 'refund', 'cancel', 'list']);
    expect(result.yaml).toContain('# Drafted by `payharness profile init`');
    expect(result.yaml).toMatch(/# from the X-Request-Id header parameter of POST \/v2\/payments\n\s+name: X-Request-Id/);
    expect(result.yaml).toMatch(/# guessed: auto_capture chooses automatic or manual capture/);

    // Validation reports every TODO, located, and nothing else: the guesses themselves are valid.
    const env = { API_KEY: 'decimal-key' };
    const problems = (() => {
      try {
        parseProfile('draft.yaml', result.yaml, env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toHaveLength(result.todos);
    expect(problems.every((p) => /^draft\.yaml:\d+:\d+: \/[\w/]+ is still a TODO: /.test(p))).toBe(true);
    expect(problems.map((p) => /: (\/[\w/]+) is still/.exec(p)![1]).sort()).toEqual([
      '/lifecycle/transitions', '/webhooks/eventIdPath', '/webhooks/eventTypePath', '/webhooks/resourceIdPath', '/webhooks/retryPolicy', '/webhooks/signature',
    ]);

    // Fill only the TODOs, as a person would from the API's docs.
    const doc = parseDocument(result.yaml);
    doc.setIn(['lifecycle', 'transitions'], { authorized: ['captured', 'voided'], captured: ['partially_refunded', 'refunded'], partially_refunded: ['partially_refunded', 'refunded'] });
    doc.setIn(['webhooks', 'signature'], { kind: 'hmac', header: 'X-Signature', prefix: 'sha256=', content: '{timestamp}.{body}', timestamp: { in: 'header', name: 'X-Timestamp' } });
    doc.setIn(['webhooks', 'eventIdPath'], '$.event_id');
    doc.setIn(['webhooks', 'eventTypePath'], '$.event_type');
    doc.setIn(['webhooks', 'resourceIdPath'], '$.data.payment.payment_id');
    doc.setIn(['webhooks', 'retryPolicy'], { initialIntervalMs: 40, multiplier: 2, maxIntervalMs: 1000, jitter: 0, maxAttempts: 5 });
    const profile = parseProfile('draft.yaml', doc.toString(), env);

    // The guessed mapping talks to the API: decimal amount object, lower-case currency, boolean capture, comma-joined events.
    process.env.API_KEY = 'decimal-key';
    const send = async (op: PaymentOperation, params: RequestParams): Promise<{ status: number; body: unknown }> => {
      const built = buildRequest(profile, op, params);
      const res = await fetch(`${api.url}${built.path}`, { method: built.method, headers: built.headers, body: built.body });
      return { status: res.status, body: await res.json() };
    };
    expect((await send('registerWebhook', { url: 'http://127.0.0.1:9/none', events: ['*'], idempotencyKey: 'd-wh' })).status).toBe(201);
    const created = await send('create', { amount: 1250, reference: 'draft-1', captureMode: 'manual', idempotencyKey: 'd-1' });
    expect(created.status).toBe(201);
    const id = String(readField(created.body, profile.fields.id));
    const captured = await send('capture', { id, amount: 1250, idempotencyKey: 'd-2' });
    expect(captured.status).toBe(200);
    const refunded = await send('refund', { id, amount: 250, idempotencyKey: 'd-3' });
    expect(refunded.status).toBe(201);
    const after = readField(refunded.body, profile.fields.refundPayment!);
    expect(readAmount(profile, after, profile.fields.amount)).toBe(1250);
    expect(readAmount(profile, after, profile.fields.amountCaptured!)).toBe(1250);
    expect(readAmount(profile, after, profile.fields.amountRefunded!)).toBe(250);
    const listed = await send('list', { reference: 'draft-1' });
    expect((readField(listed.body, profile.fields.listItems!) as unknown[]).length).toBe(1);
  });

  it('marks what an unrelated document cannot tell as TODOs', async () => {
    const file = join(dir, 'health.json');
    writeFileSync(file, JSON.stringify({ openapi: '3.0.3', info: { title: 'Health' }, paths: { '/health': { get: { responses: { '200': { description: 'ok' } } } } } }));
    const result = await initProfile({ openapi: file });
    expect(result.operations).toEqual([]);
    const problems = (() => {
      try {
        parseProfile('d.yaml', result.yaml);
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
      return '';
    })();
    for (const key of ['/operations/create', '/operations/get', '/idempotency/name', '/fields/id', '/fields/status', '/fields/amount', '/currency', '/lifecycle/transitions']) {
      expect(problems).toContain(`${key} is still a TODO`);
    }
  });

  it('gives a clear error for bad or unreachable documents', async () => {
    const missing = await rejection(initProfile({ openapi: join(dir, 'nope.json') }));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.code).toBe('E_OPENAPI_READ');
    // A port that was just listening and is now closed: the connection is refused.
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/openapi.json`;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const closedPort = await rejection(initProfile({ openapi: closedUrl }));
    expect(closedPort).toBeInstanceOf(InfraError);
    expect(closedPort.message).toBe(`cannot fetch the OpenAPI document at ${closedUrl}: ECONNREFUSED`);
    const notFound = await rejection(initProfile({ openapi: `${otherUrl}/openapi.json` }));
    expect(notFound.message).toMatch(/answered 404/);
    expect(notFound.hint).toMatch(/FastAPI: \/openapi\.json/);
    const html = await rejection(initProfile({ openapi: `${otherUrl}/docs` }));
    expect(html.code).toBe('E_OPENAPI_VERSION');
    const files: [string, string, string][] = [
      ['broken.yaml', 'openapi: [3.0', 'E_OPENAPI_PARSE'],
      ['swagger.json', JSON.stringify({ swagger: '2.0', paths: { '/a': {} } }), 'E_OPENAPI_VERSION'],
      ['empty.yaml', 'openapi: 3.0.0\ninfo: {title: x}\npaths: {}\n', 'E_OPENAPI_EMPTY'],
    ];
    for (const [name, text, code] of files) {
      writeFileSync(join(dir, name), text);
      const error = await rejection(initProfile({ openapi: join(dir, name) }));
      expect(error, name).toBeInstanceOf(UsageError);
      expect(error.code, name).toBe(code);
    }
    expect((await rejection(initProfile({ openapi: join(dir, 'swagger.json') }))).hint).toMatch(/convert it to OpenAPI 3/);
    // An existing --out is not overwritten without --force.
    writeFileSync(join(dir, 'exists.yaml'), 'mine');
    expect((await rejection(initProfile({ openapi: join(dir, 'health.json'), out: join(dir, 'exists.yaml') }))).code).toBe('E_PROFILE_EXISTS');
  });
});


describe('profile init on a Stripe-shaped document', () => {
  it('drafts form bodies, a capture-method enum map, lower-case currencies and refunds as their own resource', async () => {
    const form = (props: Record<string, unknown>, required: string[] = []): Record<string, unknown> => ({
      content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: props, required } } },
    });
    const intent = { $ref: '#/components/schemas/payment_intent' };
    const ok = (schema: unknown): Record<string, unknown> => ({ '200': { description: 'ok', content: { 'application/json': { schema } } } });
    const doc = {
      openapi: '3.0.0',
      info: { title: 'Stripe API' },
      paths: {
        '/v1/payment_intents': {
          post: {
            requestBody: form({
              amount: { type: 'integer' }, currency: { type: 'string', example: 'usd' },
              capture_method: { type: 'string', enum: ['automatic', 'automatic_async', 'manual'] },
              metadata: { type: 'object' }, confirm: { type: 'boolean' }, payment_method: { type: 'string' },
            }, ['amount', 'currency', 'payment_method']),
            responses: ok(intent),
          },
          get: { parameters: [{ name: 'limit', in: 'query' }], responses: ok({ type: 'object', properties: { data: { type: 'array', items: intent } } }) },
        },
        '/v1/payment_intents/{intent}': { get: { responses: ok(intent) } },
        '/v1/payment_intents/{intent}/capture': { post: { requestBody: form({ amount_to_capture: { type: 'integer' } }), responses: ok(intent) } },
        '/v1/payment_intents/{intent}/cancel': { post: { responses: ok(intent) } },
        '/v1/refunds': { post: { operationId: 'PostRefunds', requestBody: form({ payment_intent: { type: 'string' }, amount: { type: 'integer' } }), responses: ok({ type: 'object' }) } },
      },
      components: {
        securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' }, bearerAuth: { type: 'http', scheme: 'bearer' } },
        schemas: {
          payment_intent: {
            type: 'object',
            properties: {
              id: { type: 'string' }, amount: { type: 'integer' }, amount_received: { type: 'integer' }, currency: { type: 'string' },
              status: { type: 'string', enum: ['requires_payment_method', 'requires_capture', 'processing', 'succeeded', 'canceled'] },
            },
          },
        },
      },
    };
    const file = join(dir, 'stripe.json');
    writeFileSync(file, JSON.stringify(doc));
    const { yaml, todos } = await initProfile({ openapi: file });
    const draft = parseDocument(yaml).toJS() as Record<string, any>;
    expect(draft.encoding).toBe('form');
    expect(draft.currency).toBe('USD');
    expect(draft.placeholders).toEqual({ currency: { case: 'lower' }, captureMode: { map: { automatic: 'automatic', manual: 'manual' } } });
    expect(draft.amountFormat).toEqual({ kind: 'minor' });
    expect(draft.operations.create.body).toEqual({
      amount: '{amount}', currency: '{currency}', capture_method: '{captureMode}', payment_method: expect.stringMatching(/^TODO value for payment_method/),
    });
    expect(draft.operations.get.path).toBe('/v1/payment_intents/{id}');
    expect(draft.operations.capture.path).toBe('/v1/payment_intents/{id}/capture');
    expect(draft.operations.refund).toEqual({ method: 'POST', path: '/v1/refunds', body: { payment_intent: '{id}', amount: '{amount}' } });
    expect(draft.operations.list).toBeUndefined();
    expect(draft.fields).toMatchObject({ id: '$.id', status: '$.status', amount: '$.amount', amountCaptured: '$.amount_received', currency: '$.currency' });
    expect(draft.lifecycle.initial).toEqual(['requires_payment_method', 'requires_capture', 'processing', 'succeeded']);
    expect(draft.lifecycle.terminal).toEqual(['canceled']);
    // No idempotency header in the document: a TODO, not a guess.
    expect(draft.idempotency.name).toMatch(/^TODO/);
    expect(yaml).toMatch(/# guessed: capture_method chooses automatic or manual capture/);
    expect(todos).toBe(3);
  });
});
