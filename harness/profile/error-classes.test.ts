import { describe, expect, it } from 'vitest';
import { classifyAnswer, statusesFor } from './error-classes.js';
import { SANDBOX_PROFILE as SANDBOX } from '../config/sandbox-profile.js';
import type { ApiProfile } from '../config/profile-types.js';

// The shorthand alone: the sandbox's profile without its code-based error rules.
const { errors: _rules, ...SANDBOX_PROFILE } = SANDBOX;

const coded: ApiProfile = {
  ...SANDBOX_PROFILE,
  errors: [
    { status: 409, codePath: '$.error.code', code: 'request_in_flight', class: 'in-flight' },
    { status: 409, codePath: '$.error.code', code: ['invalid_state', 'already_captured'], class: 'invalid-state' },
    { status: 404, class: 'not-found' },
    { status: [400, 422], codePath: '$.error.code', code: 'idempotency_key_reused', class: 'mismatch' },
    { status: [400, 422], class: 'validation' },
  ],
};

describe('classifyAnswer', () => {
  it('tells one status apart by the code in the body', () => {
    expect(classifyAnswer(coded, 409, { error: { code: 'request_in_flight' } })).toBe('in-flight');
    expect(classifyAnswer(coded, 409, { error: { code: 'already_captured' } })).toBe('invalid-state');
    expect(classifyAnswer(coded, 422, { error: { code: 'idempotency_key_reused' } })).toBe('mismatch');
    expect(classifyAnswer(coded, 422, { error: { code: 'amount_invalid' } })).toBe('validation');
    expect(classifyAnswer(coded, 400, 'not json')).toBe('validation');
    expect(classifyAnswer(coded, 404, undefined)).toBe('not-found');
    // A 409 whose code no rule names is not assumed to be "in flight".
    expect(classifyAnswer(coded, 409, { error: { code: 'something_else' } })).toBeUndefined();
    expect(classifyAnswer(coded, 500, {})).toBeUndefined();
  });

  it('keeps mismatchStatus / inFlightStatus working as the shorthand', () => {
    expect(classifyAnswer(SANDBOX_PROFILE, 409, {})).toBe('in-flight');
    expect(classifyAnswer(SANDBOX_PROFILE, 422, { error: 'x' })).toBe('mismatch');
    expect(classifyAnswer(SANDBOX_PROFILE, 404, {})).toBeUndefined();
    expect(classifyAnswer(SANDBOX_PROFILE, 200, {})).toBeUndefined();
  });

  it('lists the statuses of a class', () => {
    expect(statusesFor(coded, 'mismatch')).toEqual([400, 422]);
    expect(statusesFor(coded, 'in-flight')).toEqual([409]);
    expect(statusesFor(SANDBOX_PROFILE, 'in-flight')).toEqual([]);
  });
});
