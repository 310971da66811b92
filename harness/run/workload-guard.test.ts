import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../history/types.js';
import { workloadGuard } from './workload-guard.js';

const base = { target: 'default', scenario: 's' } as const;
const create = (opId: number): HistoryRecord => ({ ...base, kind: 'invoke', time: opId, opId, process: 0, op: 'create', logicalId: `p${opId}`, attempt: 1, method: 'POST', path: '/v1/payments', idempotencyKey: `k${opId}` });
const done = (opId: number, outcome: 'ok' | 'fail' | 'info', status?: number): HistoryRecord => ({ ...base, kind: 'complete', time: opId + 0.5, opId, outcome, ...(status ? { status } : { error: 'ECONNRESET' }) });

describe('workload guard', () => {
  it('is silent when at least one write was acknowledged', () => {
    expect(workloadGuard([create(1), done(1, 'fail', 401), create(2), done(2, 'ok', 201)])).toBeUndefined();
  });

  it('is silent for a history without writes', () => {
    expect(workloadGuard([])).toBeUndefined();
  });

  it('says unknown, with the statuses seen and a witness, when every write was refused', () => {
    const verdict = workloadGuard([create(1), done(1, 'fail', 401), create(2), done(2, 'fail', 401), create(3), done(3, 'info')]);
    expect(verdict?.verdict).toBe('unknown');
    expect(verdict?.error).toContain('none of the 3 write requests was accepted (401 ×2, ECONNRESET ×1)');
    expect(verdict?.witnesses[0]?.records.map((r) => r.kind)).toEqual(['invoke', 'complete']);
    expect(verdict).toMatchObject({ judged: 0, notJudged: [{ reason: 'write answered 401', count: 2 }, { reason: 'write answered ECONNRESET', count: 1 }] });
  });
});
