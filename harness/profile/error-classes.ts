import type { ApiProfile, ErrorClass, ErrorRule } from '../config/profile-types.js';
import { readField } from '../workload/request.js';

/**
 * What an error answer means. Statuses alone are ambiguous on many APIs (one 409 for "in flight" and
 * for "invalid state"), so a profile's `errors` rules may also look at a code in the body. Rules are
 * tried in order; the idempotency statuses are the shorthand tried after them.
 */

function statusesOf(rule: ErrorRule): number[] {
  return Array.isArray(rule.status) ? rule.status : [rule.status];
}

function codeMatches(rule: ErrorRule, body: unknown): boolean {
  if (!rule.codePath) return true;
  const found = readField(body, rule.codePath);
  if (found === undefined || found === null || typeof found === 'object') return false;
  if (rule.code === undefined) return true;
  const codes = Array.isArray(rule.code) ? rule.code : [rule.code];
  return codes.includes(String(found));
}

/** The class of an answer (status and parsed body), or undefined when the profile says nothing about it. */
export function classifyAnswer(profile: ApiProfile, status: number, body: unknown): ErrorClass | undefined {
  for (const rule of profile.errors ?? []) {
    if (statusesOf(rule).includes(status) && codeMatches(rule, body)) return rule.class;
  }
  // A status a code rule claims is not also claimed by the shorthand: with rules telling 409s apart by
  // code, an unmatched 409 is unknown, not "in flight".
  const claimedByCode = (profile.errors ?? []).some((r) => r.codePath && statusesOf(r).includes(status));
  if (claimedByCode) return undefined;
  if (profile.idempotency.inFlightStatus.includes(status)) return 'in-flight';
  if (profile.idempotency.mismatchStatus.includes(status)) return 'mismatch';
  return undefined;
}

/** Statuses that may mean `cls` (for checks that still reason by status alone, and for the shorthand). */
export function statusesFor(profile: ApiProfile, cls: ErrorClass): number[] {
  const out = new Set<number>();
  for (const rule of profile.errors ?? []) if (rule.class === cls) statusesOf(rule).forEach((s) => out.add(s));
  return [...out];
}
