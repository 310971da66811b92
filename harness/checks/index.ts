import type { HistoryRecord } from '../history/types.js';
import type { Check, CheckContext, CheckVerdict } from './types.js';
import { UsageError } from '../errors.js';
import { idempotentReplay } from './idempotent-replay.js';
import { payloadMismatchRejected } from './payload-mismatch-rejected.js';
import { concurrentDuplicatesOnce } from './concurrent-duplicates-once.js';
import { exactlyOnce } from './exactly-once.js';
import { callbacksDelivered } from './callbacks-delivered.js';
import { retrySchedule } from './retry-schedule.js';
import { retriesKeepEventId } from './retries-keep-event-id.js';
import { signaturesValid } from './signatures-valid.js';
import { lifecycleTransitions } from './lifecycle-transitions.js';
import { moneyInvariants } from './money-invariants.js';
import { responsesMatchSchema } from './responses-match-schema.js';
import { thresholdsMet } from './thresholds-met.js';

/** Every check users can name in a scenario; `chaos list` and the scenario schema come from here. */
export const CHECKS: readonly Check[] = [
  idempotentReplay,
  payloadMismatchRejected,
  concurrentDuplicatesOnce,
  exactlyOnce,
  callbacksDelivered,
  retrySchedule,
  retriesKeepEventId,
  signaturesValid,
  lifecycleTransitions,
  moneyInvariants,
  responsesMatchSchema,
  thresholdsMet,
];

export const CHECK_NAMES: readonly string[] = CHECKS.map((c) => c.name);

export interface JudgeContext extends Omit<CheckContext, 'options'> {
  /** Per-check options by check name (from the scenario's `checks:` entries). */
  checkOptions?: Record<string, Record<string, unknown> | undefined>;
}

export function findCheck(name: string): Check {
  const check = CHECKS.find((c) => c.name === name);
  if (!check) {
    throw new UsageError('E_UNKNOWN_CHECK', `unknown check "${name}"`, { hint: `known checks: ${CHECK_NAMES.join(', ')}` });
  }
  return check;
}

/** Runs the named checks (all by default) over a history. A check that throws yields `unknown` with its error. */
export function judge(history: readonly HistoryRecord[], context: JudgeContext, names?: readonly string[]): CheckVerdict[] {
  const checks = (names ?? CHECK_NAMES).map(findCheck);
  return checks.map((check) => {
    try {
      return check.run(history, { profile: context.profile, options: context.checkOptions?.[check.name] });
    } catch (error) {
      return {
        name: check.name,
        verdict: 'unknown',
        witnesses: [],
        error: `check crashed: ${error instanceof Error ? error.message : String(error)}`,
      } satisfies CheckVerdict;
    }
  });
}

/** fail beats unknown beats pass: one failing check fails the whole. */
export function combineVerdicts(values: readonly ('pass' | 'fail' | 'unknown')[]): 'pass' | 'fail' | 'unknown' {
  if (values.includes('fail')) return 'fail';
  if (values.includes('unknown')) return 'unknown';
  return 'pass';
}
