import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';
import { CHECK_NAMES } from '../harness/checks/index.js';
import { FAULT_TYPES } from '../harness/faults/index.js';
import { TOXICS } from '../harness/proxy/toxics/index.js';

describe('payharness chaos CLI', () => {
  it('chaos list prints every fault (from the proxy toxic registry) and every check', async () => {
    const r = await runCli(['chaos', 'list']);
    expect(r.code).toBe(0);
    for (const t of TOXICS.filter((t) => t.type !== 'noop')) expect(FAULT_TYPES).toContain(t.type);
    for (const f of FAULT_TYPES) expect(r.stdout).toMatch(new RegExp(`^  ${f} `, 'm'));
    for (const c of CHECK_NAMES) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
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
