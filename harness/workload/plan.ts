import type { FlowName, Scenario } from '../config/scenario-types.js';
import type { Prng } from './prng.js';
import { FORBIDDEN_WRITE_STEPS, planForbiddenWalk, type ForbiddenWalk } from './flows-forbidden.js';
import { CAPTURE_RACE_WRITE_STEPS, planCaptureRace, type CaptureRace } from './flows-capture-race.js';

/** Deliberate duplicates of one write, decided up front from the seed. */
export interface DuplicatePlan {
  concurrentCopies: number;
  /** Replay the same request this many ms after it completes (undefined: no replay). */
  replayAfterMs?: number;
  /** Reuse the key with a different amount after it completes. */
  payloadChange: boolean;
  /** Replay the key once the flow has run its last step (after later writes changed the payment). */
  replayAtEnd?: boolean;
}

export interface FlowPlan {
  /** Unique within the run: `<scenario index>-<flow index>`. */
  id: string;
  flow: FlowName;
  amount: number;
  /** Refund amounts, in order (refund: sequential; refund-race: concurrent). */
  refunds: number[];
  /** Duplicates per write step, by step index. */
  duplicates: DuplicatePlan[];
  /** forbidden-transitions: which states the flow walks through. */
  walk?: ForbiddenWalk;
  /** capture-race: the writes that race, each with its own key. */
  race?: CaptureRace;
  /** Replay every write of the flow this many ms after its first answer (undefined: no late replay). */
  lateReplayAfterMs?: number;
  /** With a declared retention: replay at this share of it instead of `lateReplayAfterMs`. */
  lateReplayRetentionShare?: number;
}

const WRITE_STEPS: Record<FlowName, number> = {
  charge: 1,
  'authorize-capture': 2,
  refund: 3,
  cancel: 2,
  'capture-after-cancel': 3,
  'refund-race': 4,
  'forbidden-transitions': FORBIDDEN_WRITE_STEPS,
  'capture-race': CAPTURE_RACE_WRITE_STEPS,
  'early-refund': 4,
  'merchant-key-scope': 2,
};

function duplicatesFor(scenario: Scenario, rng: Prng): DuplicatePlan {
  const d = scenario.duplicates;
  return {
    concurrentCopies: d.concurrentCopies && rng.chance(d.concurrentCopies.probability) ? (d.concurrentCopies.copies ?? 1) : 0,
    replayAfterMs: d.delayedReplays && rng.chance(d.delayedReplays.probability) ? (d.delayedReplays.delayMs ?? 0) : undefined,
    payloadChange: d.payloadChange ? rng.chance(d.payloadChange.probability) : false,
    // Drawn only when asked for, so scenarios without it keep the plans (and fault decisions) their seeds gave before.
    ...(d.endOfFlowReplays ? { replayAtEnd: rng.chance(d.endOfFlowReplays.probability) } : {}),
  };
}

/** Every flow a scenario will run, with all random choices made now (same seed, same plan). */
export function planFlows(scenario: Scenario, scenarioIndex: number, rng: Prng): FlowPlan[] {
  const { workload } = scenario;
  const plans: FlowPlan[] = [];
  for (let i = 0; i < workload.flows; i++) {
    const flow = rng.weighted(workload.mix);
    const amount = rng.int(workload.amount.min, workload.amount.max);
    let refunds: number[] = [];
    if (flow === 'refund') {
      const first = Math.max(1, Math.floor(amount * (0.2 + rng.next() * 0.5)));
      refunds = rng.chance(0.5) ? [first, amount - first] : [first];
    } else if (flow === 'early-refund') {
      // Refused before the capture, it would fit after it: a replay that runs it again then moves money.
      refunds = [Math.max(1, Math.floor(amount * 0.3)), Math.max(1, Math.floor(amount * 0.4))];
    } else if (flow === 'refund-race') {
      // Each refund alone fits; together they exceed the captured amount: only some may succeed.
      const racers = rng.int(2, 3);
      refunds = Array.from({ length: racers }, () => Math.ceil(amount * 0.6));
    }
    const walk = flow === 'forbidden-transitions' ? planForbiddenWalk(rng) : undefined;
    const race = flow === 'capture-race' ? planCaptureRace(rng) : undefined;
    const duplicates = Array.from({ length: WRITE_STEPS[flow] }, () => duplicatesFor(scenario, rng));
    const late = scenario.duplicates.lateReplays;
    const lateReplayAfterMs = late && rng.chance(late.probability) ? late.afterMs : undefined;
    const lateShare = lateReplayAfterMs !== undefined && late?.retentionShare !== undefined ? { lateReplayRetentionShare: late.retentionShare } : {};
    plans.push({
      id: `${scenarioIndex}-${i}`, flow, amount, refunds, duplicates,
      ...(walk ? { walk } : {}), ...(race ? { race } : {}),
      ...(lateReplayAfterMs !== undefined ? { lateReplayAfterMs } : {}), ...lateShare,
    });
  }
  return plans;
}
