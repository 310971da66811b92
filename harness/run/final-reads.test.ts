import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDecimalApi, type DecimalApi } from '../../test/fixtures/decimal-api/server.js';
import { readHistory } from '../history/recorder.js';
import type { HistoryRecord } from '../history/types.js';
import { runChaos, type ChaosOptions } from './run-chaos.js';

/**
 * Final reads of a payment another merchant created use that merchant's credentials: on an API that
 * scopes payments per merchant, the default merchant's key would get 404 for it, and a listing by
 * reference would not show it.
 */
const RUN_MS = 120_000;
const dir = mkdtempSync(join(tmpdir(), 'ph-final-reads-'));
const here = fileURLToPath(new URL('.', import.meta.url));
let decimal: DecimalApi;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The shipped merchant scenario, judged by exactly-once too: the second merchant's lost answers are counted by its own listing. */
const scenario = (): string => file('merchants.yaml', readFileSync(join(here, '../../scenarios/chaos/merchant-key-scope.yaml'), 'utf8')
  .replace(/checks:\n  - keys-scoped-per-merchant\n?/, 'checks:\n  - keys-scoped-per-merchant\n  - exactly-once\n'));

/** Every payment the second merchant's creates were answered with, and the final reads and listings made as it. */
function secondMerchant(history: HistoryRecord[]): { created: string[]; read: HistoryRecord[]; listed: HistoryRecord[] } {
  const theirs = new Set(history.flatMap((r) => (r.kind === 'invoke' && r.op === 'create' && r.merchant === 'second' ? [r.opId] : [])));
  const created = history.flatMap((r) => (r.kind === 'complete' && theirs.has(r.opId) && r.outcome === 'ok' && r.resourceId ? [r.resourceId] : []));
  return {
    created: [...new Set(created)],
    read: history.filter((r) => r.kind === 'final-read' && r.merchant === 'second'),
    listed: history.filter((r) => r.kind === 'reference-count' && r.merchant === 'second'),
  };
}

async function runAndRead(name: string, options: Omit<ChaosOptions, 'scenarios' | 'outDir' | 'seed'>): Promise<void> {
  const result = await runChaos({ scenarios: [scenario()], seed: 4, outDir: join(dir, name), ...options });
  const checks = result.verdict.scenarios[0]!.checks;
  expect(checks.map((c) => `${c.name}: ${c.verdict} ${c.error ?? c.witnesses[0]?.summary ?? ''}`)).toEqual(checks.map((c) => `${c.name}: pass `));
  const history = await readHistory(join(result.runDir, 'history.jsonl'));
  const { created, read, listed } = secondMerchant(history);
  expect(created.length).toBeGreaterThan(0);
  // Each of its payments was read back as it, and found; each of its references listed as it shows its payments only.
  expect(read.filter((r) => r.kind === 'final-read' && r.outcome === 'ok').map((r) => (r.kind === 'final-read' ? r.resourceId : '')).sort())
    .toEqual(expect.arrayContaining(created.sort()));
  expect(read.every((r) => r.kind === 'final-read' && r.outcome === 'ok' && r.status === 200)).toBe(true);
  expect(listed.length).toBe(4);
  expect(listed.flatMap((r) => (r.kind === 'reference-count' ? r.resourceIds : [])).sort()).toEqual(created.sort());
  // The default merchant's reads stay its own.
  expect(history.filter((r) => r.kind === 'final-read' && r.merchant === undefined && r.outcome !== 'ok')).toEqual([]);
}

beforeAll(async () => {
  process.env.DECIMAL_API_KEY = 'decimal-key';
  decimal = await startDecimalApi({ merchantKeys: ['decimal-key-2'] });
});
afterAll(async () => decimal?.close());

describe('final reads in a multi-merchant profile', () => {
  it('read and list the second merchant\'s payments with its credentials, on the sandbox', async () => {
    await runAndRead('sandbox', {});
  }, RUN_MS);

  it('do the same on an API of another shape (decimal-api, payments scoped per API key)', async () => {
    const base = readFileSync(join(here, '../../examples/profiles/decimal-api.yaml'), 'utf8');
    const profile = file('decimal-merchants.yaml', `${base}\nmerchants:\n  second: {headers: {Authorization: Bearer decimal-key-2}}\n`);
    await runAndRead('decimal', { target: decimal.url, profile });
  }, RUN_MS);
});
