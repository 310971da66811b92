import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseScenario } from './scenario.js';

function problemsOf(text: string): string[] {
  try {
    parseScenario('s.yaml', text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected the scenario to be rejected');
}

const BASE = `name: inside
workload: {flows: 2}
checks: [exactly-once]
`;

describe('dependency links and crashes in a scenario', () => {
  it('accepts a declared link, faults that name it, and a crash without a proxy', () => {
    const s = parseScenario('s.yaml', `${BASE}dependencies:
  database: {upstream: 127.0.0.1:5432, listen: 127.0.0.1:15432}
faults:
  - {type: reset_peer, proxy: database, attributes: {timeout: 100}}
  - {type: crash, attributes: {window: {from_ms: 10, to_ms: 20}}}
`);
    expect(s.dependencies).toEqual({ database: { upstream: '127.0.0.1:5432', listen: '127.0.0.1:15432' } });
    expect(s.faults.map((f) => f.proxy)).toEqual(['database', 'provider']);
  });

  it('refuses a fault on an undeclared link, an HTTP fault on a link, a crash on a link and a taken name, each located', () => {
    const problems = problemsOf(`${BASE}dependencies:
  api: {upstream: 127.0.0.1:5432, listen: 127.0.0.1:15432}
  database: {upstream: 127.0.0.1:5432, listen: 127.0.0.1:15433}
faults:
  - {type: latency, proxy: broker, attributes: {latency: 10}}
  - {type: http_status, proxy: database, attributes: {status: 500}}
  - {type: crash, proxy: database}
  - {type: latency, proxy: provider, attributes: {latency: 10}}
`);
    expect(problems.join('\n')).toMatch(/s\.yaml:\d+:\d+: a dependency cannot be called "api"/);
    expect(problems.join('\n')).toMatch(/s\.yaml:\d+:\d+: no proxy "broker" \(hint: api, callbacks, or a link declared under dependencies: api, database\)/);
    expect(problems.join('\n')).toContain('http_status is an HTTP fault; the "database" link carries its own protocol');
    expect(problems.join('\n')).toContain('a crash acts on the provider process: write proxy: provider');
    expect(problems.join('\n')).toContain('only a crash acts on the provider process; latency needs a link');
  });

  it('refuses a malformed address, located', () => {
    expect(problemsOf(`${BASE}dependencies:\n  database: {upstream: "5432", listen: 127.0.0.1:15432}\n`).join('\n')).toMatch(/s\.yaml:\d+:\d+: \/dependencies\/database\/upstream is "5432"/);
  });

  it('refuses two links on one listen address', () => {
    const problems = problemsOf(`${BASE}dependencies:
  database: {upstream: 127.0.0.1:5432, listen: 127.0.0.1:15432}
  broker: {upstream: 127.0.0.1:5672, listen: 127.0.0.1:15432}
`);
    expect(problems.join('\n')).toContain('127.0.0.1:15432 is also the listen address of "database"');
  });

  it('still requires proxy on every fault but a crash', () => {
    expect(problemsOf(`${BASE}faults:\n  - {type: latency, attributes: {latency: 10}}\n`).join('\n')).toMatch(/proxy/);
  });
});

describe('crash in a load scenario', () => {
  it('is refused: a load run has no provider process to crash', async () => {
    const { loadFaultProblems } = await import('../load/load-faults.js');
    expect(loadFaultProblems([{ type: 'crash', proxy: 'api' } as never], (p) => `l.yaml${p}`)).toEqual([
      'l.yaml/faults/0/type: crash needs a provider payharness started (chaos run --target-command); a load run cannot apply it',
    ]);
  });
});
