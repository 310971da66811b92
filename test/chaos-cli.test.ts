import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';
import { CHECK_NAMES } from '../harness/checks/index.js';
import { FAULT_TYPES } from '../harness/faults/index.js';
import { TOXICS } from '../harness/proxy/toxics/index.js';
import { SANDBOX_BUGS } from '../sandbox/bugs.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli-helpers.js';

describe('payharness chaos CLI', () => {
  it('chaos list prints every fault (from the proxy toxic registry) and every check', async () => {
    const r = await runCli(['chaos', 'list']);
    expect(r.code).toBe(0);
    for (const t of TOXICS.filter((t) => t.type !== 'noop')) expect(FAULT_TYPES).toContain(t.type);
    for (const f of FAULT_TYPES) expect(r.stdout).toMatch(new RegExp(`^  ${f} `, 'm'));
    for (const c of CHECK_NAMES) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('docs/chaos.md names every check, every fault and every sandbox bug (no drift from the registries)', () => {
    const doc = readFileSync(join(repoRoot, 'docs/chaos.md'), 'utf8');
    for (const name of [...CHECK_NAMES, ...SANDBOX_BUGS]) expect(doc).toContain(`\`${name}\``);
    for (const type of FAULT_TYPES) expect(doc).toContain(type);
  });

  it('bad arguments are exit 3 with a hint: unknown bug, bad seed, missing run dir, non-local target', async () => {
    const results = await Promise.all([
      runCli(['demo', '--bug', 'no-such-bug']),
      runCli(['chaos', 'run', 'scenarios/chaos/lost-responses.yaml', '--seed', 'abc']),
      runCli(['check', '/nonexistent/run']),
      runCli(['chaos', 'run', 'scenarios/chaos/lost-responses.yaml', '--target', 'https://api.example.com']),
    ]);
    for (const r of results) {
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/hint:/);
    }
    expect(results[0]!.stderr).toContain('no-idempotency');
    expect(results[3]!.stderr).toContain('--allow-target api.example.com');
  }, 60_000);
});
