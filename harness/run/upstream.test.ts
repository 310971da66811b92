import { describe, expect, it } from 'vitest';
import { basePathOf, throughProxy, upstreamOf, withBasePath } from './upstream.js';

describe('upstreamOf', () => {
  it('keeps an explicit port and defaults to the scheme\'s port', () => {
    expect(upstreamOf('http://127.0.0.1:4010/v1')).toBe('127.0.0.1:4010');
    expect(upstreamOf('http://api.example')).toBe('api.example:80');
    expect(upstreamOf('https://api.example/')).toBe('api.example:443');
    expect(upstreamOf('http://[::1]:8080')).toBe('[::1]:8080');
  });
});

describe('base paths', () => {
  it('joins the target\'s path and the profile\'s basePath, without trailing slashes', () => {
    expect(withBasePath('http://127.0.0.1:4010', undefined)).toBe('http://127.0.0.1:4010');
    expect(withBasePath('http://127.0.0.1:4010/', undefined)).toBe('http://127.0.0.1:4010');
    expect(withBasePath('http://127.0.0.1:4010/api/v2/', undefined)).toBe('http://127.0.0.1:4010/api/v2');
    expect(withBasePath('http://127.0.0.1:4010', '/api/v2')).toBe('http://127.0.0.1:4010/api/v2');
    expect(withBasePath('http://127.0.0.1:4010/gateway', '/api/v2/')).toBe('http://127.0.0.1:4010/gateway/api/v2');
  });

  it('keeps the upstream\'s base path when a proxy\'s origin replaces the upstream\'s', () => {
    expect(throughProxy('http://127.0.0.1:5555', 'http://127.0.0.1:4010/api/v2')).toBe('http://127.0.0.1:5555/api/v2');
    expect(throughProxy('http://127.0.0.1:5555', 'http://127.0.0.1:4010')).toBe('http://127.0.0.1:5555');
    expect(basePathOf('http://h/api/v2/')).toBe('/api/v2');
    expect(basePathOf('http://h')).toBe('');
  });
});
