import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/cli-helpers.js';
import { DECIMAL_API_OPENAPI } from '../../test/fixtures/decimal-api/openapi.js';

describe('payharness profile init', () => {
  it('writes a draft and says how many TODOs are left; a bad document is bad input (exit 3) without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ph-init-cli-'));
    const openapi = join(dir, 'openapi.json');
    writeFileSync(openapi, JSON.stringify(DECIMAL_API_OPENAPI));
    const out = join(dir, 'profile.yaml');
    const [ok, bad] = await Promise.all([
      runCli(['profile', 'init', '--openapi', openapi, '--out', out], { timeoutMs: 140_000 }),
      runCli(['profile', 'init', '--openapi', join(dir, 'missing.yaml')], { timeoutMs: 140_000 }),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/wrote .*profile\.yaml: operations create, get, capture, refund, cancel, list; \d+ guesses commented; 6 TODOs to fill in \(the profile will not load until they are\); commented out at the end, to fill in if the API has them: webhooks\.eventKinds\n/);
    expect(readFileSync(out, 'utf8')).toContain('name: X-Request-Id');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/cannot read the OpenAPI document .*missing\.yaml: ENOENT/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 150_000);
});
