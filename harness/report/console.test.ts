import { describe, expect, it } from 'vitest';
import { renderConsole } from './console.js';
import type { VerdictFile } from '../run/verdict.js';

describe('console summary', () => {
  it('shows what each check judged, what it could not judge, and "not judged" apart from pass', () => {
    const verdict: VerdictFile = {
      verdict: 'unknown', seed: 3, runId: 'r1',
      scenarios: [{
        name: 'lost-responses', verdict: 'unknown', checks: [
          { name: 'exactly-once', verdict: 'pass', witnesses: [], judged: 41, unit: 'keys', notJudged: [{ reason: 'create with a lost answer and no listing by reference', count: 2 }] },
          { name: 'idempotent-replay', verdict: 'unknown', witnesses: [], judged: 0, unit: 'replays', error: 'no key was sent twice with a stored answer to compare against', notJudged: [{ reason: 'first answer lost', count: 9 }] },
          { name: 'money-invariants', verdict: 'pass', witnesses: [], judged: 1, unit: 'payments' },
        ],
      }],
    };
    const lines = renderConsole(verdict, '/tmp/run').split('\n');
    expect(lines).toContain('  pass       exactly-once — judged 41 keys');
    expect(lines).toContain('             not judged: create with a lost answer and no listing by reference: 2');
    expect(lines).toContain('  not judged idempotent-replay — no key was sent twice with a stored answer to compare against (not judged: first answer lost: 9)');
    expect(lines).toContain('  pass       money-invariants — judged 1 payment');
  });
});
