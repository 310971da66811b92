import { describe, expect, it } from 'vitest';
import { parseJsonPath, requestKey } from './request-key.js';

describe('request keys', () => {
  it('parses JSON paths with or without $, dots, indexes and quoted names', () => {
    expect(parseJsonPath('$.a.b[0].c')).toEqual(['a', 'b', '0', 'c']);
    expect(parseJsonPath("$['x y'].z")).toEqual(['x y', 'z']);
    expect(parseJsonPath('idempotency_key')).toEqual(['idempotency_key']);
    expect(parseJsonPath('$')).toBeUndefined();
    expect(parseJsonPath('$.a[')).toBeUndefined();
  });

  it('prefers the header, then the body path; strips key_prefix for decisions only', () => {
    const json = { 'content-type': 'application/json' };
    expect(requestKey({ ...json, 'idempotency-key': 'h' }, Buffer.from('{"meta":{"id":"e1"}}'), { header: 'Idempotency-Key', path: '$.meta.id' })).toEqual({ raw: 'h', decisionKey: 'h' });
    expect(requestKey(json, Buffer.from('{"meta":{"id":"e1"}}'), { header: 'webhook-id', path: '$.meta.id' })).toEqual({ raw: 'e1', decisionKey: 'e1' });
    expect(requestKey(json, Buffer.from('{"n":7}'), { header: 'x', path: 'n', prefix: 'run-' })).toEqual({ raw: '7', decisionKey: '7' });
    expect(requestKey(json, Buffer.from('{"meta":{}}'), { header: 'x', path: '$.meta.id' })).toBeUndefined();
    expect(requestKey(json, Buffer.from('not json'), { header: 'x', path: '$.id' })).toBeUndefined();
  });

  it('reads form fields by bracket name, also when the path is written as a JSON path', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = Buffer.from('amount=1&metadata%5Bkey%5D=run1-abc');
    expect(requestKey(form, body, { header: 'Idempotency-Key', path: 'metadata[key]', prefix: 'run1-' })).toEqual({ raw: 'run1-abc', decisionKey: 'abc' });
    expect(requestKey(form, body, { header: 'Idempotency-Key', path: '$.metadata.key' })).toEqual({ raw: 'run1-abc', decisionKey: 'run1-abc' });
  });
});
