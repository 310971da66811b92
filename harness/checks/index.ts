import type { HistoryRecord } from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';
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
import { forbiddenWritesRefused } from './forbidden-writes-refused.js';
import { racingWritesConsistent } from './racing-writes-consistent.js';
import { keysRetained } from './keys-retained.js';
import { replayMarked } from './replay-marked.js';
import { eventsMatchPayments } from './events-match-payments.js';
import { keysScopedPerMerchant } from './keys-scoped-per-merchant.js';

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
  forbiddenWritesRefused,
  racingWritesConsistent,
  keysRetained,
  replayMarked,
  eventsMatchPayments,
  keysScopedPerMerchant,
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

/** Each check of `names` that cannot apply to the profile, with the check's reason. */
export function inapplicableChecks(profile: ApiProfile, names: readonly string[]): { check: string; reason: string }[] {
  const out: { check: string; reason: string }[] = [];
  for (const name of names) {
    const reason = findCheck(name).inapplicable?.(profile);
    if (reason) out.push({ check: name, reason });
  }
  return out;
}

/**
 * Called when a scenario is validated: a scenario that names a check which cannot apply to the
 * profile is refused (exit 3) rather than run into a verdict that can only be `unknown`.
 */
export function refuseInapplicableChecks(profile: ApiProfile, scenario: string, names: readonly string[]): void {
  const refused = inapplicableChecks(profile, names);
  if (!refused.length) return;
  const lines = refused.map((r) =>
    `scenario "${scenario}" asks for check "${r.check}", which cannot apply to profile "${profile.name}": ${r.reason}`);
  throw new UsageError('E_CHECK_INAPPLICABLE', lines.join('\n'), {
    hint: 'remove the check from the scenario, or use a profile that declares what it needs',
  });
}

/**
 * The promise behind `pass`: a check that found no witness but judged nothing (or did not say
 * what it judged) is `unknown`, whatever it returned.
 */
function trusted(verdict: CheckVerdict): CheckVerdict {
  if (verdict.verdict !== 'pass' || (verdict.judged ?? 0) > 0) return verdict;
  const error = verdict.judged === undefined
    ? 'judged nothing: the check did not say what it examined, so its pass cannot be trusted'
    : `judged nothing${verdict.unit ? ` (0 ${verdict.unit})` : ''}: there was nothing to decide on`;
  return { ...verdict, verdict: 'unknown', error };
}

/** Runs `checks` over a history: inapplicable ones are `unknown` without running; a check that throws is `unknown` with its error. */
export function judgeWith(checks: readonly Check[], history: readonly HistoryRecord[], context: JudgeContext): CheckVerdict[] {
  return checks.map((check) => {
    try {
      const inapplicable = check.inapplicable?.(context.profile);
      if (inapplicable) {
        return { name: check.name, verdict: 'unknown', witnesses: [], judged: 0, error: `cannot apply to this profile: ${inapplicable}` };
      }
      return trusted(check.run(history, { profile: context.profile, options: context.checkOptions?.[check.name] }));
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

/** Runs the named checks (all by default) over a history; see `judgeWith`. */
export function judge(history: readonly HistoryRecord[], context: JudgeContext, names?: readonly string[]): CheckVerdict[] {
  return judgeWith((names ?? CHECK_NAMES).map(findCheck), history, context);
}

/** fail beats unknown beats pass: one failing check fails the whole. */
export function combineVerdicts(values: readonly ('pass' | 'fail' | 'unknown')[]): 'pass' | 'fail' | 'unknown' {
  if (values.includes('fail')) return 'fail';
  if (values.includes('unknown')) return 'unknown';
  return 'pass';
}
