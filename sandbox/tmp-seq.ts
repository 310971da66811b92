import { randomUUID } from 'node:crypto';
import { startSandbox } from './index.js';
const sb = await startSandbox({ quiet: true });
for (const conc of [1, 10]) {
  const times: number[] = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => {
    for (let i = 0; i < 300 / conc; i++) {
      const t = performance.now();
      await fetch(sb.url + '/v1/payments', { method: 'POST', headers: { authorization: 'Bearer sk_test_b', 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: '{"amount":1,"currency":"EUR"}' });
      times.push(performance.now() - t);
    }
  }));
  times.sort((a, b) => a - b);
  console.log('conc', conc, 'req/s', (300 / ((performance.now() - start) / 1000)).toFixed(0), 'p50', times[150]?.toFixed(1), 'p99', times[296]?.toFixed(1));
}
await sb.close();
