import type { ApiProfile } from '../config/profile-types.js';
import { UsageError } from '../errors.js';
import { parseDuration } from './duration.js';
import type { LoadPlan } from './load-scenario.js';

/**
 * How long a soak run's flow must be quiet before it is judged; `--settle-after` tunes it. A load
 * flow is one iteration's requests (its copy is sent while the first is open or right after it
 * answers); no callbacks come to a load run and its fault decisions are polled every 250 ms, so
 * 2 s of quiet is past anything that can still come. It is also what the judge holds: rate × this
 * (4,000 flows at 2,000/s), and V8 lets garbage grow to a multiple of what is held before it
 * collects, so 10 s here cost ≈ 100 MB of peak RSS (docs/load.md, "Soak benchmark"). A record that
 * still comes later turns a pass into unknown, never a silent pass.
 */
export const DEFAULT_SETTLE_AFTER_MS = 2_000;

/** How a load run's flows settle: as the run goes (a soak run whose reads come as it goes, or none), or at the end. */
export interface SoakSettling {
  /** Set when a soak run reads payments back as it goes (rolling-reads.ts): which ones. */
  readsAsItGoes?: 'all' | 'duplicates';
  /** Set when flows settle as the run goes: how long a flow must be quiet. */
  settleAfterMs?: number;
  /** The scenario's `finalReadsAfter`, when it sets one. */
  readAfterMs?: number;
}

/**
 * A soak run on the built-in engine lists and reads each payment shortly after its iteration, so
 * flows settle as the run goes; k6's requests reach the history only when k6 exits, and an API
 * without a listing gives no record to wait for: their reads stay at the end, and flows with them.
 * `--abort-on-fail` needs flows that settle as the run goes (bad input otherwise).
 */
export function soakSettling(
  plan: LoadPlan, profile: ApiProfile, engine: string, options: { soak: boolean; settleAfterMs?: number; abortOnFail?: boolean },
): SoakSettling {
  const { soak } = options;
  const mode = plan.scenario.finalReads ?? 'all';
  const canList = profile.operations.list !== undefined && profile.fields.listItems !== undefined;
  const readsAsItGoes = soak && engine === 'builtin' && mode !== 'none' && canList ? mode : undefined;
  const settleAfterMs = soak && (mode === 'none' || readsAsItGoes) ? (options.settleAfterMs ?? DEFAULT_SETTLE_AFTER_MS) : undefined;
  if (options.abortOnFail && settleAfterMs === undefined) {
    const why = !soak ? 'pass --soak' : engine !== 'builtin' ? 'use the built-in engine (k6\'s requests reach the history only when k6 exits) or finalReads: none'
      : 'the profile has no listing (operations.list and fields.listItems) to read payments back as the run goes: set finalReads: none';
    throw new UsageError('E_USAGE', '--abort-on-fail judges payment flows as the run goes, which needs --soak and payment flows that settle before the end', {
      location: plan.file, hint: `${why} (flows are then judged once quiet, see --settle-after)`,
    });
  }
  const readAfterMs = plan.scenario.finalReadsAfter === undefined ? undefined : parseDuration(plan.scenario.finalReadsAfter);
  return { ...(readsAsItGoes ? { readsAsItGoes } : {}), ...(settleAfterMs === undefined ? {} : { settleAfterMs }), ...(readAfterMs === undefined ? {} : { readAfterMs }) };
}
