import { describe, expect, it } from 'vitest';
import { answerMessage } from './answer-message.js';

describe('answerMessage', () => {
  it('finds the API\'s own words where APIs usually put them', () => {
    expect(answerMessage({ error: { code: 'bad_url', message: 'url must be https' } })).toBe('url must be https');
    expect(answerMessage({ type: 'about:blank', title: 'Bad Request', detail: 'events: unknown event "x"' })).toBe('events: unknown event "x"');
    expect(answerMessage({ message: 'nope' })).toBe('nope');
    expect(answerMessage({ error: 'invalid_request' })).toBe('invalid_request');
    expect(answerMessage({ errors: [{ message: 'first' }, { message: 'second' }] })).toBe('first');
  });

  it('falls back to the body, shortened, and says nothing for an empty one', () => {
    expect(answerMessage({ code: 7 })).toBe('{"code":7}');
    expect(answerMessage('x'.repeat(300))).toHaveLength(200);
    expect(answerMessage(undefined)).toBeUndefined();
    expect(answerMessage('  ')).toBeUndefined();
  });
});
