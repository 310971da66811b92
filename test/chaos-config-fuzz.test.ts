import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers.js';
import { buildProgram } from '../harness/cli/program.js';
import { HarnessError } from '../harness/errors.js';

/** Runs the CLI's command tree in this process (spawning tsx per file is slow) and returns the error it throws. */
async function runInProcess(args: string[]): Promise<HarnessError | undefined> {
  const program = buildProgram();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    await program.parseAsync(['node', 'payharness', ...args]);
  } catch (error) {
    if (error instanceof HarnessError) return error;
    throw error;
  }
  return undefined;
}

const VALID = `name: fuzz
workload:
  flows: 2
  mix: {charge: 1}
faults:
  - {type: latency, proxy: api, attributes: {latency: 10}}
webhookReceiver:
  - {status: 500, first: 1}
checks: [exactly-once]
`;

/** Broken scenario files, one mistake class each; every one must give exit 3 and a located message. */
const BROKEN_SCENARIOS: Record<string, string> = {
  'wrong-type-flows': VALID.replace('flows: 2', 'flows: two'),
  'wrong-type-mix': VALID.replace('mix: {charge: 1}', 'mix: charge'),
  'negative-concurrency': VALID.replace('flows: 2', 'flows: 2\n  concurrency: -1'),
  'unknown-top-key': `${VALID}retries: 3\n`,
  'unknown-workload-key': VALID.replace('flows: 2', 'flows: 2\n  flowz: 3'),
  'unknown-toxic': VALID.replace('type: latency', 'type: latencyy'),
  'unknown-toxic-attribute': VALID.replace('latency: 10', 'latency: 10, lag: 3'),
  'missing-toxic-attribute': VALID.replace('{type: latency, proxy: api, attributes: {latency: 10}}', '{type: http_status, proxy: api}'),
  'unknown-proxy': VALID.replace('proxy: api', 'proxy: database'),
  'unknown-check': VALID.replace('[exactly-once]', '[exactly-twice]'),
  'no-checks': VALID.replace('checks: [exactly-once]', 'checks: []'),
  'bad-yaml-indent': 'name: x\n workload:\n  flows: 2\n',
  'bad-yaml-unclosed': 'name: x\nworkload: {flows: 2\nchecks: [a\n',
  'duplicate-key': `${VALID}name: again\n`,
  'not-a-mapping': '- just\n- a list\n',
  'empty-file': '',
  'heal-before-start': VALID.replace('attributes: {latency: 10}}', 'attributes: {latency: 10}, startMs: 500, healMs: 100}'),
  'receiver-status-text': VALID.replace('status: 500', 'status: boom'),
};

const BROKEN_PROFILES: Record<string, string> = {
  'profile-unknown-key': 'extends: sandbox\nencodin: json\n',
  'profile-bad-encoding': 'extends: sandbox\nencoding: xml\n',
  'profile-bad-yaml': 'extends: sandbox\nheaders: [\n',
  'profile-missing-fields': 'name: bare\n',
};

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

describe('broken scenario and profile files (fuzz-style)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ph-fuzz-'));

  it('every broken file is rejected as bad input (exit 3) with a located message and a hint, before anything starts', async () => {
    const cases: { name: string; args: string[]; file: string }[] = [];
    for (const [name, text] of Object.entries(BROKEN_SCENARIOS)) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, text);
      cases.push({ name, file, args: ['chaos', 'run', file] });
    }
    const good = join(dir, 'good.yaml');
    writeFileSync(good, VALID);
    for (const [name, text] of Object.entries(BROKEN_PROFILES)) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, text);
      cases.push({ name, file, args: ['chaos', 'run', good, '--profile', file] });
    }
    const failures: string[] = [];
    for (const c of cases) {
      const error = await runInProcess(c.args);
      const text = `${error?.message ?? ''} ${error?.hint ?? ''}`;
      if (error?.exitCode !== 3 || !new RegExp(`${c.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(:\\d+:\\d+)?`).test(text) || !/hint/.test(text)) {
        failures.push(`${c.name}: ${error ? `exit ${error.exitCode}: ${text}` : 'accepted'}`);
      }
    }
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it('through the real CLI: exit 3, the message on stderr, no stack trace', async () => {
    const picks = ['unknown-toxic', 'bad-yaml-unclosed', 'profile-bad-encoding'];
    await inBatches(picks, 3, async (name) => {
      const file = join(dir, `${name}.yaml`);
      const args = name.startsWith('profile') ? ['chaos', 'run', join(dir, 'good.yaml'), '--profile', file] : ['chaos', 'run', file];
      const r = await runCli(args, { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`${file}:`);
      expect(r.stderr).toMatch(/hint/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }, 60_000);

  it('all problems of several files are reported together, with line and column', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, BROKEN_SCENARIOS['unknown-toxic']!);
    writeFileSync(b, BROKEN_SCENARIOS['unknown-check']!);
    const r = await runCli(['chaos', 'run', a, b]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`${a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6:\\d+: .*latencyy`));
    expect(r.stderr).toMatch(/b\.yaml:9:\d+: .*exactly-twice/);
  }, 60_000);
});
