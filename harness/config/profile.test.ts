import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadProfile, parseProfile } from './profile.js';
import { SANDBOX_PROFILE } from './sandbox-profile.js';
import { stringify } from 'yaml';

describe('profiles', () => {
  it('the built-in sandbox profile is valid against the schema', () => {
    expect(parseProfile('sandbox.yaml', stringify(SANDBOX_PROFILE))).toEqual(SANDBOX_PROFILE);
    expect(loadProfile('sandbox').name).toBe('sandbox');
  });

  it('extends: sandbox overrides only what the file gives', () => {
    const p = parseProfile('p.yaml', 'extends: sandbox\nname: staging\nheaders: {Authorization: "Bearer ${STAGING_KEY}"}\n');
    expect(p.name).toBe('staging');
    expect(p.operations.create.path).toBe('/v1/payments');
  });

  it('reports located problems with hints', () => {
    try {
      parseProfile('p.yaml', 'extends: sandbox\nencoding: xml\nidempotency: {in: query}\nfields: {id: id}\n');
      throw new Error('not rejected');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems.find((p) => p.includes('encoding'))).toMatch(/^p\.yaml:2:11: .*use one of: json, form/);
      expect(problems.find((p) => p.includes('/idempotency/in'))).toMatch(/^p\.yaml:3:19: /);
      expect(problems.some((p) => p.includes('/fields/id'))).toBe(true);
    }
  });

  it('a missing file is a usage error naming the built-ins', () => {
    expect(() => loadProfile('/nonexistent/profile.yaml')).toThrow(/cannot read profile/);
  });
});
