import { describe, expect, it } from 'vitest';
import { loadFaultProblems, loadFaultSpecs } from './load-faults.js';

const at = (pointer: string): string => `s.yaml${pointer}`;

describe('load faults use the chaos fault registry', () => {
  it('accepts every registered fault, down included, and maps them onto the api proxy for the whole load', () => {
    const faults = [{ type: 'down' }, { type: 'latency', toxicity: 0.1, attributes: { latency: 300 } }, { type: 'http_status', attributes: { status: 503, probability: 0.1 } }];
    expect(loadFaultProblems(faults, at)).toEqual([]);
    expect(loadFaultSpecs(faults)).toEqual([
      { name: 'down-0', type: 'down', proxy: 'api', startMs: 0 },
      { name: 'latency-1', type: 'latency', proxy: 'api', startMs: 0, toxicity: 0.1, attributes: { latency: 300 } },
      { name: 'http_status-2', type: 'http_status', proxy: 'api', startMs: 0, attributes: { status: 503, probability: 0.1 } },
    ]);
  });

  it('refuses what chaos refuses: the proxy-internal noop, unknown types, unknown or missing attributes', () => {
    expect(loadFaultProblems([{ type: 'noop' }], at)[0]).toMatch(/^s\.yaml\/faults\/0\/type: unknown fault type "noop"/);
    expect(loadFaultProblems([{ type: 'latancy' }], at)[0]).toContain('did you mean "latency"?');
    expect(loadFaultProblems([{ type: 'latency', attributes: { latency: 10, lag: 1 } }], at)).toEqual([expect.stringContaining('latency has no attribute "lag"')]);
    expect(loadFaultProblems([{ type: 'latency', attributes: { latency: -5 } }], at)).toEqual([expect.stringContaining('must be >= 0')]);
  });
});
