import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import type { OperationComplete, OperationInvoke } from '../history/types.js';
import { repeatBehaviour } from './answer-meaning.js';
import { compareSides, separateNoise } from './compare.js';
import type { CanonicalOperation } from './types.js';
import { loadVocabularyMap } from './vocabulary-map.js';
import { candidateWords } from './judge-diff.js';

const op = (logicalId: string, kind: string, fields: Record<string, string>): CanonicalOperation => ({
  key: `s/${logicalId}`, scenario: 's', logicalId, kind, fields, records: [{ logicalId }],
});

describe('comparing two sides and cancelling noise the Diffy way', () => {
  it('reports a field that differs, per operation kind, with both sides as witnesses', () => {
    const base = [op('0-0-0', 'create', { outcome: 'ok', state: 'succeeded' }), op('0-1-0', 'create', { outcome: 'ok', state: 'succeeded' })];
    const cand = [op('0-0-0', 'create', { outcome: 'ok', state: 'succeeded' }), op('0-1-0', 'create', { outcome: 'ok', state: 'requires_capture' })];
    const { differences, noise } = separateNoise(compareSides(base, cand), compareSides(base, base));
    expect(noise).toEqual([]);
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatchObject({ kind: 'create', field: 'state', count: 1, compared: 2, values: [{ baseline: 'succeeded', other: 'requires_capture', count: 1 }] });
    expect(differences[0]!.witnesses[0]!.baselineRecords).toEqual([{ logicalId: '0-1-0' }]);
  });

  it('a value pair the two baseline runs also disagreed on is noise; a new pair in the same field is a difference', () => {
    const fields = (copy: string) => ({ outcome: 'ok', 'idempotency.concurrent-copy': copy });
    const base = ['a', 'b', 'c', 'd'].map((f, i) => op(`0-${i}-0`, 'create', fields('replayed')));
    const base2 = base.map((o, i) => (i === 0 ? op(o.logicalId, 'create', fields('refused in flight')) : o));
    const cand = base.map((o, i) => (i === 1 ? op(o.logicalId, 'create', fields('refused in flight')) : i === 2 ? op(o.logicalId, 'create', fields('executed again')) : o));
    const { differences, noise } = separateNoise(compareSides(base, cand), compareSides(base, base2));
    expect(noise).toMatchObject([{ kind: 'create', field: 'idempotency.concurrent-copy', count: 1, compared: 4, unstable: false, absorbed: 1 }]);
    expect(differences.map((d) => [d.field, d.values])).toEqual([['idempotency.concurrent-copy', [{ baseline: 'replayed', other: 'executed again', count: 1 }]]]);
  });

  it('a field the baselines disagree on for most operations (ids, timestamps) is noise whatever its values', () => {
    const base = [op('0-0-0', 'create', { 'body.$.id': '"pay_1"' }), op('0-1-0', 'create', { 'body.$.id': '"pay_2"' })];
    const base2 = [op('0-0-0', 'create', { 'body.$.id': '"pay_3"' }), op('0-1-0', 'create', { 'body.$.id': '"pay_4"' })];
    const cand = [op('0-0-0', 'create', { 'body.$.id': '"pay_5"' }), op('0-1-0', 'create', { 'body.$.id': '"pay_6"' })];
    const { differences, noise } = separateNoise(compareSides(base, cand), compareSides(base, base2));
    expect(differences).toEqual([]);
    expect(noise[0]).toMatchObject({ field: 'body.$.id', unstable: true, absorbed: 2 });
  });

  it('without a noise run every difference counts; an operation one side never sent is a difference', () => {
    const { differences } = separateNoise(compareSides([op('0-0-1', 'capture', { outcome: 'ok' })], []), undefined);
    expect(differences[0]).toMatchObject({ kind: 'capture', field: '(operation)', values: [{ baseline: 'sent', other: 'not sent', count: 1 }] });
  });

  it('error codes are compared only where both profiles read one', () => {
    const { differences } = separateNoise(compareSides([op('0-0-0', 'create', { outcome: 'validation', 'error.code': 'x' })], [op('0-0-0', 'create', { outcome: 'validation' })]), undefined);
    expect(differences).toEqual([]);
  });
});

describe('what a repeat of a keyed request got', () => {
  const invoke = { kind: 'invoke', opId: 2, op: 'create', logicalId: '0-0-0', attempt: 90, method: 'POST', path: '/v1/payments', process: 0, time: 0, target: 'baseline' } as OperationInvoke;
  const answer = (status: number, extra: Partial<OperationComplete> = {}): OperationComplete =>
    ({ kind: 'complete', opId: 2, outcome: status < 300 ? 'ok' : 'fail', status, time: 1, target: 'baseline', ...extra }) as OperationComplete;
  const stored = answer(201, { resourceId: 'pay_1' });

  it('tells replays, refusals and second executions apart through the profile', () => {
    expect(repeatBehaviour(SANDBOX_PROFILE, { invoke, complete: answer(201, { resourceId: 'pay_1', headers: { 'idempotent-replayed': 'true' } }) }, stored)).toBe('replayed');
    expect(repeatBehaviour(SANDBOX_PROFILE, { invoke, complete: answer(201, { resourceId: 'pay_1' }) }, stored)).toBe('replayed');
    expect(repeatBehaviour(SANDBOX_PROFILE, { invoke, complete: answer(201, { resourceId: 'pay_2' }) }, stored)).toBe('executed again');
    expect(repeatBehaviour(SANDBOX_PROFILE, { invoke, complete: answer(200, { resourceId: 'pay_1', headers: { 'idempotent-replayed': 'true' } }) }, stored)).toBe('replayed with another answer');
    expect(repeatBehaviour(SANDBOX_PROFILE, { invoke, complete: answer(422, { body: { code: 'idempotency_key_reused' } }) }, stored)).toBe('refused (payload mismatch)');
    expect(repeatBehaviour(SANDBOX_PROFILE, { invoke, complete: answer(409, { body: { code: 'idempotency_key_in_use' } }) }, stored)).toBe('refused in flight');
    expect(repeatBehaviour(SANDBOX_PROFILE, { invoke, complete: { ...answer(0), status: undefined, outcome: 'info' } }, stored)).toBe('no answer');
  });
});

describe('--map', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ph-diff-map-'));
  it('reads the candidate\'s words back into the baseline\'s', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'states: {succeeded: SETTLED}\nevents: {payment.created: charge.created}\n');
    const words = candidateWords(loadVocabularyMap(file));
    expect(words.state('SETTLED')).toBe('succeeded');
    expect(words.event('charge.created')).toBe('payment.created');
    expect(words.state('VOIDED')).toBe('VOIDED');
  });
  it('refuses unknown sections and one name for two meanings, all at once', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'states: {succeeded: DONE, refunded: DONE}\nstatus: {}\n');
    expect(() => loadVocabularyMap(file)).toThrow(/2 problems[\s\S]*"DONE" is the candidate's name for both[\s\S]*unknown section "status"/);
  });
});
