import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadScenario, parseScenario } from './scenario.js';
import { CHECK_NAMES, CHECKS } from '../checks/index.js';
import { FAULT_TYPES } from '../faults/index.js';
import { repoRoot } from '../../test/cli-helpers.js';

function problemsOf(text: string): string[] {
  try {
    parseScenario('s.yaml', text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected the scenario to be rejected');
}

const VALID = `name: ok
workload:
  flows: 2
checks: [exactly-once]
`;

describe('scenario validation', () => {
  it('accepts a minimal scenario and fills defaults', () => {
    const s = parseScenario('s.yaml', VALID);
    expect(s.workload.concurrency).toBeGreaterThan(0);
    expect(s.workload.client.retry.on).toContain('timeout');
    expect(s.checks).toEqual([{ name: 'exactly-once' }]);
  });

  it('reports every problem at once, each with file:line:column and a hint', () => {
    const problems = problemsOf(`name: ok
workload:
  flows: "ten"
  concurency: 3
faults:
  - type: latencyy
    proxy: api
checks: [exactly-twice]
`);
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.includes('concurency'))).toMatch(/^s\.yaml:4:3: .*did you mean "concurrency"/);
    expect(problems.find((p) => p.includes('/workload/flows'))).toMatch(/^s\.yaml:3:10: .*must be integer/);
    expect(problems.find((p) => p.includes('latencyy'))).toMatch(/^s\.yaml:6:11: .*did you mean "latency"/);
    expect(problems.find((p) => p.includes('exactly-twice'))).toMatch(/^s\.yaml:8:10: .*did you mean "exactly-once"/);
    for (const p of problems) expect(p).toContain('hint');
  });

  it('validates fault attributes from the toxic registry', () => {
    const problems = problemsOf(`${VALID}faults:
  - {type: http_status, proxy: api, attributes: {retry_after: 1}}
  - {type: latency, proxy: api, attributes: {latency: -5, jiter: 1}}
`);
    expect(problems.some((p) => p.includes('missing "status"'))).toBe(true);
    expect(problems.some((p) => p.includes('must be >= 0'))).toBe(true);
    expect(problems.some((p) => /did you mean "jitter"/.test(p))).toBe(true);
  });

  it('locates YAML syntax errors', () => {
    const problems = problemsOf('name: ok\nworkload: {flows: 2\nchecks: [x]\n');
    expect(problems[0]).toMatch(/^s\.yaml:\d+:\d+: /);
  });

  it('the schema lists every registered fault and check', () => {
    const problems = problemsOf(`${VALID.replace('[exactly-once]', '[nope]')}faults: [{type: nope, proxy: api}]\n`);
    const text = problems.join('\n');
    for (const name of CHECK_NAMES) expect(text).toContain(name);
    for (const type of FAULT_TYPES) expect(text).toContain(type);
  });

  it('every scenario of the standard suite is valid, and together they cover every check a chaos run can feed', () => {
    const dir = join(repoRoot, 'scenarios/chaos');
    const used = new Set<string>();
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const c of loadScenario(join(dir, f)).checks) used.add(c.name);
    }
    const chaosChecks = CHECKS.filter((c) => !c.runKinds || c.runKinds.includes('chaos')).map((c) => c.name);
    expect([...used].sort()).toEqual([...chaosChecks].sort());
  });
});
