import { sleep } from '../workload/sleep.js';
import type { ApiProfile } from '../config/profile-types.js';
import type { Scenario } from '../config/scenario-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { Nemesis } from '../faults/nemesis.js';
import type { WebhookSink } from '../webhooks/sink.js';
import { ReceiverBehaviour } from '../webhooks/receiver-rules.js';
import type { PaymentClient } from '../workload/client.js';
import type { Prng } from '../workload/prng.js';
import { planFlows } from '../workload/plan.js';
import { runWorkload } from '../workload/run-workload.js';
import { retryHorizonMs, slackFrom } from '../checks/retry-timing.js';
import { InfraError } from '../errors.js';
import { recordFinalReads, type TouchedPayment } from './final-reads.js';
import { assertHealed } from './heal.js';

export interface ScenarioRunContext {
  runId: string;
  index: number;
  profile: ApiProfile;
  recorder: HistoryRecorder;
  nemesis: Nemesis;
  sink?: WebhookSink;
  client: PaymentClient;
  /** Direct URL of the target, for final reads (no proxy in between). */
  targetUrl: string;
  rng: Prng;
  signal: AbortSignal;
  onFlowDone(): void;
  /** How long the run's event loop has run late so far, ms: settling watches that much longer. */
  stalledMs?(): number;
  /** The built-in sandbox's commit-failure share (absent for another target): set from `scenario.sandbox` per scenario. */
  setFailRate?(rate: number): void;
}


/** Waits until no callback is pending and none arrived for a quiet period, bounded by the horizon. */
async function settleCallbacks(ctx: ScenarioRunContext, scenario: Scenario, created: readonly string[], stalledAtStart: number): Promise<void> {
  const policy = ctx.profile.webhooks?.retryPolicy;
  if (!ctx.sink || !policy) return;
  const slack = slackFrom(scenario.checks.find((c) => c.name === 'retry-schedule')?.options);
  const budget = scenario.settleMs ?? retryHorizonMs(policy, slack) + 1_000;
  const settleStart = Date.now();
  const quietMs = Math.max(400, 3 * policy.initialIntervalMs * policy.timeScale);
  const delivered = scenario.checks.find((c) => c.name === 'callbacks-delivered');
  const expectNotified = delivered !== undefined && delivered.options?.everyPaymentNotified !== false;
  // A busy machine delays retries by as long as the loop ran late since the scenario began: watch about
  // twice that longer (a loop late half the time is free the other half), so a silence the checks
  // must judge is watched on a free loop, not cut short into `unknown`. The figure is frozen when
  // nothing is pending any more and only free time counts toward it: a loop that keeps running late
  // while we watch would otherwise push the end away as fast as we approach it. The extension is
  // capped at twice the budget, so a machine that never frees up still ends the settle.
  const stalled = (): number => (ctx.stalledMs?.() ?? 0) - stalledAtStart;
  const deadline = (): number => settleStart + budget + Math.min(2 * stalled(), 2 * budget);
  // When nothing was pending any more (the last promised retry came due), and the stall by then.
  let settledSince: number | undefined;
  let stallWhenSettled = 0;
  while (!ctx.signal.aborted && Date.now() < deadline()) {
    await ctx.nemesis.pollDecisions().catch(() => undefined);
    const now = ctx.recorder.now();
    const quietFor = now - ctx.sink.lastDeliveryTime;
    // When the scenario checks that every payment is notified, give each one its chance first.
    const unnotified = expectNotified ? created.filter((id) => !ctx.sink!.seen(id)).length : 0;
    const settled = ctx.sink.pending(slack) === 0 && unnotified === 0;
    if (settled && settledSince === undefined) stallWhenSettled = stalled();
    settledSince = settled ? (settledSince ?? now) : undefined;
    const margin = 2 * stallWhenSettled;
    const freeWatched = settled ? now - settledSince! - (stalled() - stallWhenSettled) : 0;
    if (settled && quietFor >= quietMs + margin && freeWatched >= margin) return;
    await sleep(100, ctx.signal);
  }
}

/** The sandbox's own failures for this scenario; another target fails as it does, which the history notes. */
function applySandboxSpec(ctx: ScenarioRunContext, scenario: Scenario): void {
  const failRate = scenario.sandbox?.failRate ?? 0;
  if (ctx.setFailRate) ctx.setFailRate(failRate);
  else if (failRate > 0) ctx.recorder.append({ kind: 'note', message: `scenario ${scenario.name}: sandbox.failRate ${failRate} applies to the built-in sandbox only; the target's own failures are all this run sees` });
}

/** Runs one scenario: receiver rules, fault schedule, workload, heal, settle, final reads. */
export async function runScenario(ctx: ScenarioRunContext, scenario: Scenario): Promise<void> {
  const { recorder, nemesis, signal } = ctx;
  recorder.setScenario(scenario.name);
  const stalledAtStart = ctx.stalledMs?.() ?? 0;
  // Each scenario's consumer has its own patience: slow-responses times out where others wait.
  ctx.client.useTimeout(scenario.workload.client.timeoutMs);
  ctx.sink?.setBehaviour(new ReceiverBehaviour(scenario.webhookReceiver));
  applySandboxSpec(ctx, scenario);
  const plans = planFlows(scenario, ctx.index, ctx.rng);
  const touched = new Map<string, TouchedPayment>();
  const timers: NodeJS.Timeout[] = [];
  const faultErrors: Error[] = [];
  const healProblems: string[] = [];
  // Faults that start with the workload are in place before its first request (same seed, same decisions).
  for (const fault of scenario.faults.filter((f) => f.startMs === 0)) await nemesis.apply(fault, ctx.index);
  const started = Date.now();
  for (const fault of scenario.faults) {
    // The nemesis tracks every apply and heal from the call on, so a heal always finds what it must remove.
    if (fault.startMs > 0) timers.push(setTimeout(() => void nemesis.apply(fault, ctx.index).catch((e: Error) => faultErrors.push(e)), fault.startMs));
    if (fault.healMs !== undefined) timers.push(setTimeout(() => void nemesis.heal(nemesis.toxicName(fault, ctx.index)).catch((e: Error) => faultErrors.push(e)), fault.healMs));
  }
  const poller = setInterval(() => void nemesis.pollDecisions().catch(() => undefined), 250);
  try {
    await runWorkload({
      plans,
      concurrency: scenario.workload.concurrency,
      durationMs: scenario.workload.durationMs,
      signal,
      onFlowDone: () => ctx.onFlowDone(),
      context: (process) => ({
        client: ctx.client, retry: scenario.workload.client.retry, runId: ctx.runId, currency: ctx.profile.currency, process, signal,
        retentionSeconds: ctx.profile.idempotency.retentionSeconds,
        touched(reference, logicalId, resourceId, merchant) {
          // Two merchants may use one reference: each lists (and reads) its own payments.
          const at = merchant === undefined ? reference : `${reference}\n${merchant}`;
          const t = touched.get(at) ?? { reference, logicalId, resourceIds: new Set<string>(), ...(merchant !== undefined ? { merchant } : {}) };
          if (resourceId) {
            t.resourceIds.add(resourceId);
            ctx.sink?.claim(resourceId, scenario.name);
          }
          touched.set(at, t);
        },
      }),
    });
    // Faults scheduled to heal later than the workload ran keep their window; then everything heals.
    const lastHeal = Math.max(0, ...scenario.faults.map((f) => f.healMs ?? 0));
    const elapsed = Date.now() - started;
    if (lastHeal > elapsed) await sleep(lastHeal - elapsed, signal);
  } finally {
    timers.forEach(clearTimeout);
    clearInterval(poller);
    // healAll awaits applies still in flight and removes them too: nothing is left behind.
    healProblems.push(...(await nemesis.healAll()));
    await nemesis.settle();
  }
  assertHealed(healProblems, scenario.name);
  if (faultErrors.length) {
    // A fault that did not apply means the scenario did not test what it says: not a verdict, an infrastructure problem.
    throw new InfraError('E_FAULT_APPLY', `scenario "${scenario.name}": faults could not be applied: ${faultErrors.map((e) => e.message).join('; ')}`, {
      hint: 'check the Toxiproxy server is reachable and supports these toxics (`payharness chaos list`)',
    });
  }
  await settleCallbacks(ctx, scenario, [...touched.values()].flatMap((t) => [...t.resourceIds]), stalledAtStart);
  await nemesis.pollDecisions().catch(() => undefined);
  // A callback about a payment no answer named (a create whose answer was an error) is read back too: does it exist?
  const alsoRead = ctx.sink?.unclaimed() ?? [];
  if (!signal.aborted) await recordFinalReads(ctx.targetUrl, ctx.profile, recorder, touched.values(), { signal, alsoRead });
}
