import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../history/types.js';
import { FlowPartition } from './stream-flows.js';

const base = { target: 'default' };
const invoke = (time: number, opId: number, logicalId: string, extra: Record<string, unknown> = {}): HistoryRecord =>
  ({ ...base, kind: 'invoke', time, opId, process: 0, op: 'create', logicalId, attempt: 1, method: 'POST', path: '/v1/payments', ...extra }) as HistoryRecord;
const complete = (time: number, opId: number, resourceId?: string): HistoryRecord =>
  ({ ...base, kind: 'complete', time, opId, outcome: 'ok', status: 200, ...(resourceId ? { resourceId } : {}) }) as HistoryRecord;
const listing = (time: number, reference: string, resourceIds: string[]): HistoryRecord =>
  ({ ...base, kind: 'reference-count', time, reference, resourceIds }) as HistoryRecord;

const read = (time: number, resourceId: string): HistoryRecord =>
  ({ ...base, kind: 'final-read', time, resourceId, outcome: 'ok', status: 200 }) as HistoryRecord;

describe('FlowPartition', () => {
  it('holds a flow the run promised to read back until its listing comes: every payment (all) or those sent twice (duplicates)', () => {
    const promised = (reads: 'all' | 'duplicates'): number[][] => {
      const p = new FlowPartition(reads);
      p.add(invoke(0, 1, 'a', { intent: 'workload', reference: 'ref-a' }), 1);
      p.add(complete(1, 1, 'pay_a'), 2);
      p.add(invoke(2, 2, 'b', { intent: 'workload' }), 3);
      p.add(complete(3, 2, 'pay_b'), 4);
      p.add(invoke(4, 3, 'b', { intent: 'retry', attempt: 2 }), 5);
      p.add(complete(5, 3, 'pay_b'), 6);
      const before = p.takeSettled(100, 10).map((f) => f.first);
      if (reads === 'all') p.add({ ...listing(101, 'ref-a', ['pay_a']), logicalId: 'a' } as HistoryRecord, 7);
      p.add({ ...listing(102, 'ref-b', ['pay_b']), logicalId: 'b' } as HistoryRecord, 8);
      // Listed, each flow now waits for the read of the payment its listing found.
      const listed = p.takeSettled(150, 10).map((f) => f.first);
      if (reads === 'all') p.add(read(151, 'pay_a'), 9);
      p.add(read(152, 'pay_b'), 10);
      return [before, listed, p.takeSettled(200, 10).map((f) => f.first)];
    };
    expect(promised('all')).toEqual([[], [], [1, 3]]);
    expect(promised('duplicates')).toEqual([[1], [], [3]]);
    // Without the promise nothing waits.
    const p = new FlowPartition();
    p.add(invoke(0, 1, 'a', { intent: 'workload' }), 1);
    p.add(complete(1, 1, 'pay_a'), 2);
    expect(p.takeSettled(100, 10).map((f) => f.first)).toEqual([1]);
  });

  it('settles flows least recently touched first, holds open ones, and stops at the first still active', () => {
    const p = new FlowPartition();
    p.add(invoke(0, 1, 'a'), 1);
    p.add(invoke(1, 2, 'b'), 2);
    p.add(complete(2, 2, 'pay_b'), 3);
    p.add(invoke(3, 3, 'c'), 4);
    p.add(complete(4, 3), 5);
    p.add(invoke(5, 4, 'b', { resourceId: 'pay_b' }), 6); // touches b again: c is now the older
    p.add(complete(6, 4), 7);
    // a is open; c settled at 4; b was touched at 6.
    expect(p.takeSettled(15, 10).map((f) => f.first)).toEqual([4]);
    expect(p.takeSettled(100, 10).map((f) => f.first)).toEqual([2]);
    expect(p.size).toBe(1);
    p.add(complete(101, 1), 8);
    expect(p.takeSettled(200, 10).map((f) => f.records.length)).toEqual([2]);
    expect(p.size).toBe(0);
  });

  it('merges flows a record links, keeping records in stream order and each request open until its completion', () => {
    const p = new FlowPartition();
    p.add(invoke(0, 1, 'a', { resourceId: 'pay_1' }), 1);
    p.add(invoke(1, 2, 'b', { resourceId: 'pay_2' }), 2);
    const { flow, created } = p.add(listing(2, 'ref', ['pay_1', 'pay_2']), 3);
    expect(created).toBe(false);
    expect(flow.first).toBe(1);
    expect(flow.at).toEqual([1, 2, 3]);
    expect(p.size).toBe(1);
    // The second flow's request now belongs to the merged flow: its completion closes it there.
    p.add(complete(3, 2), 4);
    p.add(complete(4, 1), 5);
    expect(flow.open).toBe(0);
    expect(p.takeSettled(100, 10)).toEqual([flow]);
  });

  it('keeps its order through many touches of a flow that never settles (stale entries are dropped)', () => {
    const p = new FlowPartition();
    p.add(invoke(0, 1, 'stuck'), 1);
    let at = 2;
    let taken = 0;
    let lastFirst = 0;
    for (let i = 1; i <= 5_000; i++) {
      p.add(invoke(i, 2 * i, `f${i}`), at++);
      p.add(complete(i, 2 * i), at++);
      if (i > 1) p.add(complete(i, 2 * i - 1), at++); // closes the previous flow after this one was touched
      p.add(invoke(i, 2 * i + 1, `f${i}`), at++); // so this touch leaves a stale entry behind
      if (i % 100 !== 0) continue;
      const settled = p.takeSettled(i, 50);
      for (const f of settled) {
        expect(f.first).toBeGreaterThan(lastFirst); // oldest first
        lastFirst = f.first;
      }
      taken += settled.length;
    }
    expect(taken).toBeGreaterThan(4_800);
    expect(taken + p.size).toBe(5_001);
    expect(p.takeAll()[0]!.first).toBe(1);
  });
});
