import { describe, expect, it } from 'vitest';
import { upstreamOf } from './upstream.js';

describe('upstreamOf', () => {
  it('keeps an explicit port and defaults to the scheme\'s port', () => {
    expect(upstreamOf('http://127.0.0.1:4010/v1')).toBe('127.0.0.1:4010');
    expect(upstreamOf('http://api.example')).toBe('api.example:80');
    expect(upstreamOf('https://api.example/')).toBe('api.example:443');
    expect(upstreamOf('http://[::1]:8080')).toBe('[::1]:8080');
  });
});
