import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './index.js';

/** The OpenAPI document is written by hand: every operation it names must be a route the sandbox really has. */
describe('GET /openapi.json', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ quiet: true });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('is served without an API key and names only real routes', async () => {
    const res = await fetch(`${sandbox.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const tried: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const url = `${sandbox.url}${path.replace('{id}', 'pay_00000000000000000000000000')}`;
        const answer = await fetch(url, { method: method.toUpperCase(), headers: { authorization: 'Bearer sk_test_openapi', 'content-type': 'application/json', 'idempotency-key': `oa-${tried.length}` }, body: method === 'get' ? undefined : '{}' });
        const body = (await answer.json()) as { code?: string };
        expect(`${method} ${path} ${body.code ?? answer.status}`).not.toMatch(/route_not_found/);
        tried.push(`${method} ${path}`);
      }
    }
    expect(tried).toHaveLength(8);
    // A route that is not there is told apart, so the loop above can fail.
    const missing = (await (await fetch(`${sandbox.url}/v1/nothing`, { headers: { authorization: 'Bearer sk_test_openapi' } })).json()) as { code: string };
    expect(missing.code).toBe('route_not_found');
  });
});
