import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { HistoryRecorder } from '../history/recorder.js';
import { UsageError } from '../errors.js';
import { PaymentClient } from './client.js';

describe('PaymentClient stays on its target', () => {
  const seen: string[] = [];
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume().on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"pay_1","status":"succeeded"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('keeps the base URL\'s path: --target http://host/api/v2 + /v1/payments → /api/v2/v1/payments', async () => {
    const client = new PaymentClient({ baseUrl: `${origin}/api/v2`, profile: structuredClone(SANDBOX_PROFILE), recorder: new HistoryRecorder(), timeoutMs: 5_000 });
    try {
      const result = await client.attempt('create', { amount: 100, currency: 'EUR', reference: 'r1', idempotencyKey: 'k1' }, { process: 0, logicalId: 'l1' }, 1);
      expect(result.status).toBe(201);
      expect(seen.at(-1)).toBe('/api/v2/v1/payments');
    } finally {
      await client.close();
    }
  });

  it('refuses, before sending or recording anything, a path that new URL(path, base) would send to another host', async () => {
    const profile = structuredClone(SANDBOX_PROFILE);
    profile.operations.create.path = '//evil.example/v1';
    const recorder = new HistoryRecorder();
    const client = new PaymentClient({ baseUrl: origin, profile, recorder, timeoutMs: 5_000 });
    const before = seen.length;
    try {
      await expect(client.attempt('create', { amount: 100, currency: 'EUR', reference: 'r2', idempotencyKey: 'k2' }, { process: 0, logicalId: 'l2' }, 1))
        .rejects.toThrow(UsageError);
      expect(recorder.records).toEqual([]);
      expect(seen.length).toBe(before);
    } finally {
      await client.close();
    }
  });
});
