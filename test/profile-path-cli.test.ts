import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

describe('a profile path that would leave the target', () => {
  it('is refused at load with exit 3, naming the operation and the path, before anything starts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'payharness-profile-'));
    const profile = path.join(dir, 'evil.yaml');
    writeFileSync(profile, 'extends: sandbox\nname: evil\noperations:\n  create: {method: POST, path: "//evil.example/v1"}\n');
    const result = await runCli(['chaos', 'run', 'scenarios/chaos/lost-responses.yaml', '--profile', profile, '--out', path.join(dir, 'run')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/operation "create" has path "\/\/evil\.example\/v1", which would leave the target/);
    expect(result.stderr).not.toMatch(/internal error/);
  });
});
