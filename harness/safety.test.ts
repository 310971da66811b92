import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { assertTargetAllowed, isLoopbackHost, isPathOnTarget, urlOnTarget } from './safety.js';

describe('target safety', () => {
  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '[::1]', '::1', 'api.localhost']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', '192.168.1.1', 'example.com', '128.0.0.1', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses a non-local target unless allowed, with a hint naming the flag', () => {
    expect(() => assertTargetAllowed('https://api.example.com/v1', [])).toThrow(UsageError);
    try {
      assertTargetAllowed('https://api.example.com/v1', []);
    } catch (error) {
      expect((error as UsageError).hint).toContain('--allow-target api.example.com');
      expect((error as UsageError).exitCode).toBe(3);
    }
    expect(() => assertTargetAllowed('https://api.example.com/v1', ['API.example.com'])).not.toThrow();
    expect(() => assertTargetAllowed('http://127.0.0.1:4010', [])).not.toThrow();
  });
});

describe('urlOnTarget', () => {
  it('joins the base and the path, keeping the base\'s own path and the query', () => {
    expect(urlOnTarget('http://127.0.0.1:4010', '/v1/payments').href).toBe('http://127.0.0.1:4010/v1/payments');
    expect(urlOnTarget('http://host.test/api/v2', '/v1/payments').href).toBe('http://host.test/api/v2/v1/payments');
    expect(urlOnTarget('http://host.test/api/v2/', '/v1/payments?reference=r%201&x=2').href).toBe('http://host.test/api/v2/v1/payments?reference=r%201&x=2');
    expect(urlOnTarget(new URL('https://host.test:8443'), '/v1/payments/pay_1%2F2/capture').href).toBe('https://host.test:8443/v1/payments/pay_1%2F2/capture');
  });

  it('refuses a path that would name another host, where new URL(path, base) would follow it', () => {
    for (const path of ['//evil.example/v1', '/\\evil.example/v1', 'http://other/x', 'https://other/x', 'v1/payments', '']) {
      expect(() => urlOnTarget('http://127.0.0.1:4010', path), path).toThrow(UsageError);
    }
    expect(new URL('//evil.example/v1', 'http://127.0.0.1:4010').host).toBe('evil.example'); // the hole this closes
    expect(() => urlOnTarget('http://127.0.0.1:4010', '//evil.example/v1')).toThrow(/not a path on the target http:\/\/127\.0\.0\.1:4010/);
  });

  it('whatever the path holds after its first "/", the host and protocol stay the target\'s', () => {
    for (const path of ['/@evil.example/x', '/..//evil.example', '/%2F%2Fevil.example', '/\t/evil.example', '/x?next=//evil.example']) {
      const url = urlOnTarget('http://127.0.0.1:4010/base', path);
      expect([url.protocol, url.host], path).toEqual(['http:', '127.0.0.1:4010']);
    }
  });
});

describe('isPathOnTarget', () => {
  it('accepts paths that start with exactly one "/"', () => {
    expect(['/', '/v1/payments', '/v1/payments/{id}/capture', '/a//b'].every(isPathOnTarget)).toBe(true);
    expect(['//evil.example/v1', '/\\evil', 'http://other/x', 'payments', ''].some(isPathOnTarget)).toBe(false);
  });
});
