import { describe, expect, it } from 'vitest';
import { ConfigError, ExitCode } from '../errors.js';
import { parseProfile } from './profile.js';

function problemsOf(text: string): string[] {
  try {
    parseProfile('p.yaml', text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(ExitCode.badInput);
    return [...(error as ConfigError).problems];
  }
  throw new Error('profile was not refused');
}

describe('profile paths stay on the target', () => {
  it('refuses a protocol-relative operation path, naming the operation, the path and where it is', () => {
    const problems = problemsOf('extends: sandbox\noperations:\n  create: {method: POST, path: "//evil.example/v1"}\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^p\.yaml:3:\d+: operation "create" has path "\/\/evil\.example\/v1", which would leave the target/);
  });

  it('refuses absolute URLs in operations, the webhook registration and providerStatesPath, all at once', () => {
    const problems = problemsOf([
      'extends: sandbox',
      'operations:',
      '  capture: {method: POST, path: "http://other/x"}',
      '  refund: {method: POST, path: "/\\\\evil.example/refunds"}',
      'webhooks:',
      '  register: {method: POST, path: "https://other/hooks"}',
      'providerStatesPath: "//other/_states"',
      '',
    ].join('\n'));
    expect(problems.map((p) => /: (.+?) has path/.exec(p)?.[1])).toEqual([
      'operation "capture"', 'operation "refund"', 'operation "webhooks.register"', 'providerStatesPath',
    ]);
    expect(problems.join('\n')).toContain('"http://other/x"');
  });

  it('keeps reporting other problems alongside', () => {
    const problems = problemsOf('extends: sandbox\nencoding: xml\noperations:\n  get: {method: GET, path: "//x/{id}"}\n');
    expect(problems.some((p) => p.includes('operation "get"'))).toBe(true);
    expect(problems.some((p) => p.includes('encoding'))).toBe(true);
  });

  it('accepts ordinary paths', () => {
    expect(parseProfile('p.yaml', 'extends: sandbox\noperations:\n  create: {method: POST, path: "/api/v2/payments"}\n').operations.create.path).toBe('/api/v2/payments');
  });
});
