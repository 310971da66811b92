import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';
import { planFlows } from './plan.js';
import { parseScenario } from '../config/scenario.js';
import { classifyError, outcomeOf } from './classify.js';

const scenario = parseScenario('s.yaml', `name: s
workload: {flows: 50, mix: {charge: 1, refund-race: 1, refund: 1}, amount: {min: 100, max: 200}}
duplicates: {concurrentCopies: {probability: 0.5, copies: 2}, payloadChange: {probability: 0.5}}
checks: [exactly-once]
`);

describe('seeded plans', () => {
  it('the same seed gives the same plan; another seed another', () => {
    expect(planFlows(scenario, 0, new Prng(7))).toEqual(planFlows(scenario, 0, new Prng(7)));
    expect(planFlows(scenario, 0, new Prng(7))).not.toEqual(planFlows(scenario, 0, new Prng(8)));
  });

  it('refund races over-commit the captured amount; plain refunds never do', () => {
    for (const plan of planFlows(scenario, 0, new Prng(1))) {
      expect(plan.amount).toBeGreaterThanOrEqual(100);
      expect(plan.amount).toBeLessThanOrEqual(200);
      const sum = plan.refunds.reduce((a, b) => a + b, 0);
      if (plan.flow === 'refund-race') expect(sum).toBeGreaterThan(plan.amount);
      if (plan.flow === 'refund') expect(sum).toBeLessThanOrEqual(plan.amount);
    }
  });
});

describe('outcomes', () => {
  it('a write without an answer is info, never fail; a refused connection or a GET is fail', () => {
    expect(outcomeOf('POST', undefined, false, 'timeout')).toBe('info');
    expect(outcomeOf('POST', undefined, false, 'reset')).toBe('info');
    expect(outcomeOf('POST', 503, false)).toBe('info');
    expect(outcomeOf('POST', 422, false)).toBe('fail');
    expect(outcomeOf('POST', undefined, false, 'refused')).toBe('fail');
    expect(outcomeOf('GET', undefined, false, 'timeout')).toBe('fail');
    expect(outcomeOf('POST', 201, true)).toBe('ok');
  });

  it('classifies transport errors', () => {
    expect(classifyError(Object.assign(new Error('x'), { name: 'TimeoutError' })).failure).toBe('timeout');
    expect(classifyError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })).failure).toBe('reset');
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).failure).toBe('refused');
  });
});

describe('forbidden-transitions and capture-race plans', () => {
  const walks = parseScenario('w.yaml', `name: w
workload: {flows: 40, mix: {forbidden-transitions: 1, capture-race: 1, charge: 1}, amount: {min: 100, max: 200}}
checks: [forbidden-writes-refused, racing-writes-consistent]
`);

  it('each forbidden-transitions flow names its walk and each capture race its racers, both kinds drawn', () => {
    const plans = planFlows(walks, 0, new Prng(3));
    const forbidden = plans.filter((p) => p.flow === 'forbidden-transitions');
    const races = plans.filter((p) => p.flow === 'capture-race');
    expect(new Set(forbidden.map((p) => p.walk))).toEqual(new Set(['capture-walk', 'cancel-walk']));
    for (const p of races) {
      expect(p.race!.filter((op) => op === 'capture').length).toBeGreaterThanOrEqual(1);
      expect(p.race!.length).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(races.map((p) => p.race!.join('+'))).size).toBeGreaterThan(1);
    expect(plans.filter((p) => p.flow === 'charge').every((p) => p.walk === undefined && p.race === undefined)).toBe(true);
  });
});
