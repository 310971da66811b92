import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../test/cli-helpers.js';

describe('payharness contracts test', () => {
  it('runs the consumer tests and writes one pact per consumer, matching the committed ones', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'payharness-pacts-'));
    const result = await runCli(['contracts', 'test', '--pact-dir', dir], { timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['checkout-service-payharness-sandbox.json', 'order-service-payharness-sandbox.json']);
    expect(result.stdout).toContain(`pact: ${path.join(dir, 'checkout-service-payharness-sandbox.json')}`);
    for (const file of readdirSync(dir)) {
      // Deterministic: a fresh run writes exactly the committed contract.
      const committed = readFileSync(path.join('contracts/pacts', file), 'utf8');
      expect(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))).toEqual(JSON.parse(committed));
    }
  });
});
