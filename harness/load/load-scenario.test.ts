import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { BUILTIN_METRICS } from './metric-types.js';
import { loadLoadScenario, parseLoadScenario } from './load-scenario.js';

const scenarioDir = fileURLToPath(new URL('../../scenarios/load/', import.meta.url));

function problemsOf(text: string): string[] {
  try {
    parseLoadScenario('bad.yaml', text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(3);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected the scenario to be rejected');
}

const base = (executor: string): string => `name: bad
scenarios:
  pay:
${executor}
`;

describe('load scenario validation', () => {
  it('accepts every shipped scenario', () => {
    const files = readdirSync(scenarioDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(loadLoadScenario(path.join(scenarioDir, f)).executors.length).toBeGreaterThan(0);
  });

  it('locates an unknown executor and suggests the right name', () => {
    const problems = problemsOf(base('    executor: constant-arival-rate\n    rate: 10\n    duration: 1s\n    preAllocatedVUs: 1'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^bad\.yaml:4:15: .*constant-arival-rate.*did you mean "constant-arrival-rate"/);
  });

  it('rejects impossible rates with their location', () => {
    const zero = problemsOf(base('    executor: constant-arrival-rate\n    rate: 0\n    duration: 1s\n    preAllocatedVUs: 1'));
    expect(zero[0]).toMatch(/^bad\.yaml:5:11: .*rate must be > 0/);
    const none = problemsOf(base('    executor: constant-arrival-rate\n    rate: 1\n    timeUnit: 1m\n    duration: 10s\n    preAllocatedVUs: 1'));
    expect(none[0]).toMatch(/^bad\.yaml:5:11: .*starts no iteration/);
    const huge = problemsOf(base('    executor: constant-arrival-rate\n    rate: 5000\n    timeUnit: 1ms\n    duration: 1s\n    preAllocatedVUs: 1'));
    expect(huge[0]).toMatch(/^bad\.yaml:5:11: .*5000000 iterations\/s/);
    const vus = problemsOf(base('    executor: constant-arrival-rate\n    rate: 5\n    duration: 1s\n    preAllocatedVUs: 10\n    maxVUs: 2'));
    expect(vus[0]).toMatch(/^bad\.yaml:8:13: maxVUs \(2\) is below preAllocatedVUs/);
  });

  it('reports threshold syntax errors and wrong aggregations, all at once, located', () => {
    const problems = problemsOf(`name: bad
scenarios:
  pay: { executor: constant-vus, vus: 1, duration: 1s }
thresholds:
  http_req_duration: ["p95<250", "p(99)<500"]
  http_req_failed: ["count<3"]
  no_such_metric: ["rate<1"]
`);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^bad\.yaml:5:23: threshold on http_req_duration: "p95<250" is not a threshold expression/);
    expect(problems[1]).toMatch(/^bad\.yaml:6:21: .*aggregation "count" does not apply to a rate metric \(hint: use rate\)/);
    expect(problems[2]).toMatch(/^bad\.yaml:7:19: .*no metric named "no_such_metric"/);
  });

  // k6 reports group_duration for scripts with groups and ws_* for WebSockets; payharness scripts
  // have neither and the built-in engine has no such thing: such a threshold would pass unjudged.
  it('refuses, as bad input, a threshold on a metric neither engine produces, naming it', () => {
    const error = (() => {
      try {
        parseLoadScenario('bad.yaml', 'name: g\nscenarios:\n  a: { executor: constant-vus, vus: 1, duration: 1s }\nthresholds:\n  group_duration: ["p(95)<100"]\n');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(3);
    expect((error as UsageError).message).toMatch(/threshold on group_duration: no metric named "group_duration": neither engine produces it/);
    // Every metric either engine reports is accepted.
    const every = Object.keys(BUILTIN_METRICS).map((m) => `  ${m}: ["${BUILTIN_METRICS[m]!.type === 'trend' ? 'max>=0' : BUILTIN_METRICS[m]!.type === 'gauge' ? 'value>=0' : BUILTIN_METRICS[m]!.type === 'rate' ? 'rate>=0' : 'count>=0'}"]`);
    expect(() => parseLoadScenario('ok.yaml', `name: g\nscenarios:\n  a: { executor: constant-vus, vus: 1, duration: 1s }\nthresholds:\n${every.join('\n')}\n`)).not.toThrow();
  });

  it('rejects an unknown fault type with the known ones', () => {
    const problems = problemsOf('name: f\nscenarios:\n  a: { executor: constant-vus, vus: 1, duration: 1s }\nfaults:\n  - { type: latancy }\n');
    expect(problems[0]).toMatch(/^bad\.yaml:5:13: unknown fault type "latancy" \(hint: did you mean "latency"\?/);
  });

  it('reports bad durations and unknown keys with hints', () => {
    const problems = problemsOf(base('    executor: constant-vus\n    vus: 2\n    duration: 10 seconds\n    maxVUs: 3'));
    expect(problems.join('\n')).toMatch(/bad\.yaml:7:5: unknown key "maxVUs".*allowed keys: .*vus, duration/);
    const durations = problemsOf(base('    executor: constant-vus\n    vus: 2\n    duration: 10 seconds'));
    expect(durations[0]).toMatch(/^bad\.yaml:6:15: duration "10 seconds" is not a duration/);
    const after = problemsOf('name: r\nscenarios:\n  a: { executor: constant-vus, vus: 1, duration: 1s }\nfinalReadsAfter: soon\n');
    expect(after[0]).toMatch(/^bad\.yaml:4:18: finalReadsAfter "soon" is not a duration \(hint: e\.g\. 500ms or 5s\)/);
  });
});
