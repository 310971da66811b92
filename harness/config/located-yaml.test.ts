import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseProfile } from './profile.js';
import { loadScenarios } from './scenario.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every problem a profile text gets, as one string. */
function problems(profile: Record<string, unknown>): string {
  try {
    parseProfile('p.yaml', stringify({ extends: 'sandbox', ...profile }));
  } catch (error) {
    return [(error as Error).message, ...((error as { problems?: string[] }).problems ?? [])].join('\n');
  }
  return '';
}

describe('validation hints that fit the field they are about', () => {
  it('a currency is told to be an upper-case ISO code, with the way to send it in lower case', () => {
    const text = problems({ currency: 'eur' });
    expect(text).toContain('/currency is "eur"');
    expect(text).toContain('an ISO 4217 currency code in upper case, e.g. EUR');
    expect(text).toContain('placeholders: {currency: {case: lower}}');
    expect(text).not.toContain('lower-case words joined by dashes');
  });

  it('a JSON path is told to start with "$", an operation path with "/"', () => {
    const path = problems({ fields: { id: 'id' } });
    expect(path).toContain('/fields/id is "id"');
    expect(path).toContain('a JSON path starts with "$", e.g. $.id');
    const refund = problems({ refundLedger: { source: 'answers', amount: 'amount' } });
    expect(refund).toContain('/refundLedger/amount');
    expect(refund).toContain('a JSON path starts with "$"');
    // A request path is refused as leaving the target, with its own hint.
    const provider = problems({ providerStatesPath: 'states' });
    expect(provider).toContain('a profile path starts with a single "/"');
  });

  it('a scenario name is told its form with an example', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ph-hints-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, stringify({ name: 'Lost Responses', workload: { flows: 1 }, checks: ['exactly-once'] }));
    let text = '';
    try {
      loadScenarios([file]);
    } catch (error) {
      text = [(error as Error).message, ...((error as { problems?: string[] }).problems ?? [])].join('\n');
    }
    expect(text).toContain('a name of lower-case letters, digits and dashes, e.g. lost-responses');
  });
});
