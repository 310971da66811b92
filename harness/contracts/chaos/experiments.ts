import type { Nemesis } from '../../faults/nemesis.js';
import type { HistoryRecorder } from '../../history/recorder.js';
import type { PaymentClient } from '../../workload/client.js';
import type { RequestParams } from '../../workload/request.js';
import type { EffectfulInteraction } from './effectful.js';

/** One replay of an interaction, ready to send: fresh key and reference, the state's resource id. */
export interface PreparedReplay {
  interaction: EffectfulInteraction;
  params: RequestParams & { idempotencyKey: string };
  logicalId: string;
}

export interface ExperimentContext {
  client: PaymentClient;
  recorder: HistoryRecorder;
  nemesis: Nemesis;
  runId: string;
  /** Distinct per experiment run, so toxic names never collide. */
  index: number;
  /** Copies sent at once by the concurrent experiment. */
  concurrency: number;
  /** The API path the request goes to (for the fault's path filter). */
  requestPath: string;
}

/** A fault pattern applied to one interaction; `checks` judge its part of the history. */
export interface Experiment {
  name: string;
  description: string;
  checks: string[];
  /** False when the interaction cannot take this experiment (e.g. no amount to change). */
  applies(interaction: EffectfulInteraction): boolean;
  run(ctx: ExperimentContext, replay: PreparedReplay): Promise<void>;
}

const meta = (replay: PreparedReplay, intent: 'workload' | 'replay' | 'concurrent-copy' | 'retry' | 'payload-change') => ({
  process: 1,
  logicalId: replay.logicalId,
  intent,
  resourceId: replay.params.id,
  amount: replay.params.amount,
});

const sequentialRepeat: Experiment = {
  name: 'sequential-repeat',
  description: 'the same request twice in a row with one idempotency key',
  checks: ['idempotent-replay', 'exactly-once', 'money-invariants'],
  applies: () => true,
  async run(ctx, replay) {
    await ctx.client.attempt(replay.interaction.op, replay.params, meta(replay, 'workload'), 1);
    await ctx.client.attempt(replay.interaction.op, replay.params, meta(replay, 'replay'), 2);
  },
};

const concurrentCopies: Experiment = {
  name: 'concurrent-copies',
  description: 'copies of the request sent at the same moment with one idempotency key',
  checks: ['concurrent-duplicates-once', 'exactly-once', 'money-invariants'],
  applies: () => true,
  async run(ctx, replay) {
    await Promise.all(
      Array.from({ length: ctx.concurrency }, (_, n) => ctx.client.attempt(replay.interaction.op, replay.params, meta(replay, n === 0 ? 'workload' : 'concurrent-copy'), n + 1)),
    );
  },
};

const lostResponseRetry: Experiment = {
  name: 'lost-response-retry',
  description: 'the provider executes the request but its response is lost; the client retries with the same key, then replays it once the answer is stored',
  checks: ['idempotent-replay', 'exactly-once', 'money-invariants'],
  applies: () => true,
  async run(ctx, replay) {
    const name = 'lost-response';
    await ctx.nemesis.apply(
      { name, type: 'http_drop_response', proxy: 'api', attributes: { first: 1, method: 'POST', path: ctx.requestPath }, startMs: 0 },
      ctx.index,
    );
    try {
      await ctx.client.attempt(replay.interaction.op, replay.params, meta(replay, 'workload'), 1);
    } finally {
      await ctx.nemesis.pollDecisions().catch(() => undefined);
      await ctx.nemesis.heal(`${ctx.runId}-${ctx.index}-${name}`);
    }
    await ctx.client.attempt(replay.interaction.op, replay.params, meta(replay, 'retry'), 2);
    // The lost first answer leaves nothing to compare; a replay after the retry's stored answer does.
    await ctx.client.attempt(replay.interaction.op, replay.params, meta(replay, 'replay'), 3);
  },
};

const changedPayload: Experiment = {
  name: 'changed-payload',
  description: 'the idempotency key reused with a different amount after the first request completed',
  checks: ['payload-mismatch-rejected', 'exactly-once'],
  applies: (interaction) => typeof interaction.params.amount === 'number',
  async run(ctx, replay) {
    await ctx.client.attempt(replay.interaction.op, replay.params, meta(replay, 'workload'), 1);
    const changed = { ...replay.params, amount: (replay.params.amount ?? 0) + 1 };
    await ctx.client.attempt(replay.interaction.op, changed, { ...meta(replay, 'payload-change'), amount: changed.amount }, 2);
  },
};

/** The experiments every effectful interaction goes through, in order. */
export const EXPERIMENTS: readonly Experiment[] = [sequentialRepeat, concurrentCopies, lostResponseRetry, changedPayload];
