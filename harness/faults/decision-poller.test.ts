import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../history/recorder.js';
import type { FaultDecision } from '../history/types.js';
import { DecisionPoller } from './decision-poller.js';

const event = (seq: number, proxy = 'run-api') => ({ seq, time: Date.now(), proxy, toxic: 't', type: 'http_status', action: 'status', method: 'POST', path: '/x', idempotency_key: `k${seq}`, occurrence: 1 });

describe('DecisionPoller', () => {
  it('survives a broken answer, skips other runs\' proxies and events it already has, and keeps seq and occurrence', async () => {
    const answers = [
      'not json',
      JSON.stringify({ events: [event(1), event(2, 'other-api'), event(3)], next: 3 }),
      // A server that repeats itself (or a since it ignores) must not make us record twice.
      JSON.stringify({ events: [event(3), event(4)], next: 4 }),
    ];
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(answers.shift() ?? JSON.stringify({ events: [], next: 4 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const recorder = new HistoryRecorder();
    const poller = new DecisionPoller(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, recorder, () => new Set(['run-api']), 0);
    try {
      const first = poller.poll();
      const second = poller.poll();
      await expect(first).rejects.toThrow();
      await second;
      await poller.poll();
      await poller.poll();
      const decisions = recorder.records.filter((r): r is FaultDecision => r.kind === 'fault-decision');
      expect(decisions.map((d) => [d.seq, d.idempotencyKey, d.occurrence])).toEqual([[1, 'k1', 1], [3, 'k3', 1], [4, 'k4', 1]]);
      expect(asked).toEqual(['/events?since=0', '/events?since=0', '/events?since=3', '/events?since=4']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
