import type { ApiProfile, ErrorRule } from '../config/profile-types.js';
import type { OperationComplete, OperationInvoke } from '../history/types.js';
import { classifyAnswer } from '../profile/error-classes.js';
import { readField } from '../workload/request.js';

/** One request attempt and its completion (absent when the run ended first). */
export interface Exchange {
  invoke: OperationInvoke;
  complete?: OperationComplete;
}

/**
 * What an answer means, in words every profile shares: `ok`, the profile's error class
 * (`in-flight`, `mismatch`, `invalid-state`, `not-found`, `validation`), `status N` for an error the
 * profile does not classify, or `info` when no answer came (the effect is unknown).
 */
export function outcomeClass(profile: ApiProfile, complete: OperationComplete | undefined): string {
  if (!complete || complete.status === undefined) return 'info';
  if (complete.outcome === 'ok') return 'ok';
  return classifyAnswer(profile, complete.status, complete.body) ?? `status ${complete.status}`;
}

const statusesOf = (rule: ErrorRule): number[] => (Array.isArray(rule.status) ? rule.status : [rule.status]);

/**
 * The API's own error code in an error answer, read where the profile's error rules look for it;
 * undefined when the profile reads no code for this status (then the code is not compared).
 */
export function errorCode(profile: ApiProfile, complete: OperationComplete | undefined): string | undefined {
  if (!complete || complete.status === undefined || complete.outcome === 'ok') return undefined;
  for (const rule of profile.errors ?? []) {
    if (!rule.codePath || !statusesOf(rule).includes(complete.status)) continue;
    const code = readField(complete.body, rule.codePath);
    if (typeof code === 'string' || typeof code === 'number') return String(code);
  }
  return undefined;
}

/** The answer carries the profile's replay marker (`Idempotent-Replayed: true`). */
function markedReplayed(profile: ApiProfile, complete: OperationComplete): boolean {
  const header = profile.idempotency.replayedHeader?.toLowerCase();
  const value = header ? complete.headers?.[header] : undefined;
  return value !== undefined && value.toLowerCase() !== 'false';
}

/**
 * What a repeat of a keyed request (a client retry, a deliberate replay, a concurrent copy, a
 * changed payload) got: `replayed` (the stored answer: marked so, or the same status and resource as
 * the stored one), `refused in flight`, `refused (payload mismatch)`, `executed again` (a success
 * naming another resource), `replayed with another answer` (marked a replay, but not the stored
 * status), or otherwise the answer's class. `stored` is the logical operation's own answer.
 */
export function repeatBehaviour(profile: ApiProfile, repeat: Exchange, stored: OperationComplete | undefined): string {
  const answer = repeat.complete;
  if (!answer || answer.status === undefined) return 'no answer';
  const cls = outcomeClass(profile, answer);
  if (cls === 'in-flight') return 'refused in flight';
  if (cls === 'mismatch') return 'refused (payload mismatch)';
  const comparable = stored !== undefined && stored !== answer && stored.status !== undefined;
  if (markedReplayed(profile, answer)) return comparable && stored.status !== answer.status ? 'replayed with another answer' : 'replayed';
  if (comparable && stored.status === answer.status && stored.resourceId === answer.resourceId) return 'replayed';
  if (cls === 'ok') return comparable && stored.outcome === 'ok' && stored.resourceId !== answer.resourceId ? 'executed again' : 'executed';
  return cls;
}
