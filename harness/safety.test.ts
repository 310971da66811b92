import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { assertTargetAllowed, isLoopbackHost } from './safety.js';

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
