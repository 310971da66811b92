import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';
import { planFlows } from './plan.js';
import { FlowReplays } from './replays.js';
import { parseScenario } from '../config/scenario.js';

const yaml = (duplicates: string): string => `name: s
workload: {flows: 40, mix: {charge: 1, early-refund: 1, authorize-capture: 1}, amount: {min: 100, max: 200}}
duplicates: {delayedReplays: {probability: 0.5, delayMs: 5}${duplicates}}
checks: [idempotent-replay]
`;

describe('replays planned after a flow', () => {
  it('end-of-flow and late replays are drawn from the seed; a scenario without them keeps its old plan', () => {
    const bare = parseScenario('s.yaml', yaml(''));
    const withReplays = parseScenario('s.yaml', yaml(', endOfFlowReplays: {probability: 0.5}, lateReplays: {probability: 0.5, afterMs: 2500}'));
    const plain = planFlows(bare, 0, new Prng(3));
    expect(plain.every((p) => p.lateReplayAfterMs === undefined && p.duplicates.every((d) => d.replayAtEnd === undefined))).toBe(true);
    const planned = planFlows(withReplays, 0, new Prng(3));
    expect(planned).toEqual(planFlows(withReplays, 0, new Prng(3)));
    const atEnd = planned.flatMap((p) => p.duplicates.map((d) => d.replayAtEnd));
    expect(atEnd).toContain(true);
    expect(atEnd).toContain(false);
    const late = planned.map((p) => p.lateReplayAfterMs);
    expect(late).toContain(2500);
    expect(late).toContain(undefined);
  });

  it('an early refund is refused before the capture and fits after it', () => {
    const plans = planFlows(parseScenario('s.yaml', yaml('')), 0, new Prng(5)).filter((p) => p.flow === 'early-refund');
    expect(plans.length).toBeGreaterThan(0);
    for (const p of plans) {
      expect(p.duplicates).toHaveLength(4);
      expect(p.refunds).toHaveLength(2);
      // Both refunds together still fit the captured amount: a replay that runs the early one again succeeds.
      expect(p.refunds[0]! + p.refunds[1]!).toBeLessThanOrEqual(p.amount);
    }
  });

  it('a late replay waits the planned delay, never past 90% of a declared retention', () => {
    const plan = { id: '0-0', flow: 'charge' as const, amount: 100, refunds: [], duplicates: [], lateReplayAfterMs: 2500 };
    expect(new FlowReplays(plan).lateDelayMs()).toBe(2500);
    expect(new FlowReplays(plan, 86_400).lateDelayMs()).toBe(2500);
    expect(new FlowReplays(plan, 2).lateDelayMs()).toBe(1800);
    expect(new FlowReplays({ ...plan, lateReplayAfterMs: undefined }, 2).lateDelayMs()).toBeUndefined();
    // A share of a declared (short) retention replaces the fixed delay; without a declared one the delay stands.
    expect(new FlowReplays({ ...plan, lateReplayRetentionShare: 0.8 }, 5).lateDelayMs()).toBe(4000);
    expect(new FlowReplays({ ...plan, lateReplayRetentionShare: 0.8 }).lateDelayMs()).toBe(2500);
  });
});
