import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../history/types.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { responsesMatchSchema } from './responses-match-schema.js';

const payment = { id: 'pay_1', status: 'succeeded', amount: 500, currency: 'EUR', amount_captured: 500, amount_refunded: 0, reference: 'r1', created_at: '2026-01-15T10:00:00.000Z' };
const base = { target: 'default', process: 1, logicalId: 'l1', attempt: 1, method: 'POST', path: '/v1/payments' } as const;

function history(body: unknown, status = 201, headers: Record<string, string> = { 'content-type': 'application/json' }): HistoryRecord[] {
  return [
    { kind: 'invoke', time: 0, opId: 1, op: 'create', ...base },
    { kind: 'complete', time: 1, target: 'default', opId: 1, outcome: status < 300 ? 'ok' : 'fail', status, body, headers },
  ];
}

describe('responses-match-schema', () => {
  it('passes answers that match the contract schemas', () => {
    const verdict = responsesMatchSchema.run(history(payment), { profile: SANDBOX_PROFILE });
    expect(verdict).toMatchObject({ verdict: 'pass', stats: { checked: 1 } });
  });

  it('fails an answer with a fractional amount, naming the field', () => {
    const verdict = responsesMatchSchema.run(history({ ...payment, amount: 5.5 }), { profile: SANDBOX_PROFILE });
    expect(verdict.verdict).toBe('fail');
    expect(verdict.witnesses[0]!.summary).toContain('/amount must be integer');
  });

  it('holds errors to problem+json', () => {
    const verdict = responsesMatchSchema.run(history({ error: 'nope' }, 422, { 'content-type': 'application/json' }), { profile: SANDBOX_PROFILE });
    expect(verdict.verdict).toBe('fail');
    expect(verdict.witnesses[0]!.summary).toContain('not a valid problem');
  });

  it('is unknown for a profile the schemas do not describe', () => {
    expect(responsesMatchSchema.run(history(payment), { profile: { ...SANDBOX_PROFILE, name: 'acme' } }).verdict).toBe('unknown');
  });
});
