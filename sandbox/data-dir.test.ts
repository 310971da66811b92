import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SandboxInfraError } from './errors.js';
import { startSandbox } from './index.js';
import { apiClient } from './test-support/index.js';

const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'payharness-datadir-')), 'db');
afterAll(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

describe('PGlite --data-dir', () => {
  it('keeps data across a clean restart and refuses a second sandbox on the same directory', { timeout: 60_000 }, async () => {
    const first = await startSandbox({ dataDir, quiet: true });
    let paymentId: string;
    const api = apiClient(first.url);
    try {
      const created = await api.createPayment({ reference: 'kept' });
      paymentId = created.json.id;
      const second = await startSandbox({ dataDir, quiet: true }).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(SandboxInfraError);
      expect((second as SandboxInfraError).message).toContain('in use by another sandbox');
    } finally {
      await first.close();
    }
    const reopened = await startSandbox({ dataDir, quiet: true });
    try {
      const again = await apiClient(reopened.url, api.apiKey).get(`/v1/payments/${paymentId}`);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ reference: 'kept' });
    } finally {
      await reopened.close();
    }
  });
});
