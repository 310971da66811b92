import type { ApiProfile, FieldPaths } from '../config/profile-types.js';
import { classifyAnswer } from '../profile/error-classes.js';
import { readAmount } from '../profile/amount-format.js';
import { readField } from '../workload/request.js';
import { canonical, payloadOf, repeatedKeys, type Exchange, type HistoryView } from './history-view.js';
import type { NotJudgedTally } from './verdict-of.js';

/**
 * What the replay checks share: which repeat of a key must reproduce which stored answer, and how
 * two answers are compared through the profile (status, id, mapped fields in minor units; errors
 * by class and code), so idempotent-replay, keys-retained and replay-marked judge one set of pairs.
 */

/** A repeat of a key and the stored answer it must reproduce (the first comparable answer to the same payload). */
export interface ReplayPair {
  key: string;
  stored: Exchange;
  replay: Exchange;
  /** Whether the first request of the key was in flight with another (a copy, or a proxy duplicate). */
  duplicated: boolean;
}

/**
 * Whether another request with the key may have been in flight while `exchanges[i]` was: one sent
 * before it was answered and not answered before it was sent (or never answered: a lost answer may
 * hide a request still running), or the proxy sent a copy of the key upstream. Later requests count
 * too: a concurrent copy sent first may meet the original that was sent a moment after it.
 */
export function mayMeetInFlight(exchanges: readonly Exchange[], i: number, duplicated: boolean): boolean {
  if (duplicated) return true;
  const ex = exchanges[i]!;
  const sentAt = ex.invoke.time;
  const answeredAt = ex.complete?.time ?? Infinity;
  for (let j = 0; j < exchanges.length; j++) {
    if (j === i) continue;
    const other = exchanges[j]!;
    const c = other.complete;
    const otherDone = !c || c.status === undefined ? Infinity : c.time;
    if (other.invoke.time < answeredAt && otherDone > sentAt) return true;
  }
  return false;
}

/**
 * Why an answer cannot stand for the stored result, or undefined when it can: no status (lost,
 * timed out), in flight (409 while another request with the key may have been running; a 409 with
 * nothing in flight is a stored state error), rejected as a mismatch, or a server error / 429,
 * which are never stored.
 */
export function notComparable(profile: ApiProfile, ex: Exchange, couldBeInFlight: () => boolean): string | undefined {
  const status = ex.complete?.status;
  if (status === undefined) return 'no status';
  // The profile's error rules tell an "in flight" 409 from a stored state error where the status alone cannot.
  const cls = classifyAnswer(profile, status, ex.complete!.body);
  if (cls === 'in-flight' && couldBeInFlight()) return 'in flight';
  if (cls === 'mismatch') return 'rejected as a payload mismatch';
  if (status >= 500 || status === 429) return 'server error or 429, never stored';
  return undefined;
}

/** Keys the proxy sent upstream more than once: their first request may not be the one that executed. */
export function proxyDuplicatedKeys(view: HistoryView): Set<string> {
  const out = new Set<string>();
  for (const d of view.decisions) if (d.action === 'duplicate' && d.idempotencyKey) out.add(d.idempotencyKey);
  return out;
}

/**
 * Every repeat of a key with a stored answer to compare against, in history order. Repeats that
 * cannot be compared (and first answers that cannot stand for the stored result) are tallied in
 * `skipped` with the reason.
 */
export function* replayPairs(view: HistoryView, profile: ApiProfile, skipped: NotJudgedTally): Generator<ReplayPair> {
  let hit = pairSteps.get(view);
  if (!hit || hit.profile !== profile) {
    hit = { profile, steps: [...replaySteps(view, profile)] };
    pairSteps.set(view, hit);
  }
  for (const step of hit.steps) {
    if (typeof step === 'string') skipped.add(step);
    else yield step;
  }
}

/** A pair, or the reason a repeat or first answer was skipped, in the order replayPairs meets them. */
type PairStep = ReplayPair | string;

/** Each view's steps, worked out once: idempotent-replay, keys-retained and replay-marked walk the same pairs. */
const pairSteps = new WeakMap<HistoryView, { profile: ApiProfile; steps: PairStep[] }>();

function* replaySteps(view: HistoryView, profile: ApiProfile): Generator<PairStep> {
  const duplicatedKeys = proxyDuplicatedKeys(view);
  for (const [key, exchanges] of repeatedKeys(view)) {
    const duplicated = duplicatedKeys.has(key);
    // Per payload: the first comparable answer (the stored result), null when the payload's first answer was not comparable.
    const firstByPayload = new Map<string, Exchange | null>();
    for (let i = 0; i < exchanges.length; i++) {
      const ex = exchanges[i]!;
      const payload = payloadOf(view, ex);
      const seen = firstByPayload.has(payload);
      const first = firstByPayload.get(payload) ?? undefined;
      const why = notComparable(profile, ex, () => mayMeetInFlight(exchanges, i, duplicated));
      if (why) {
        if (seen) yield `repeat's answer not comparable (${why})`;
        else firstByPayload.set(payload, null);
        continue;
      }
      if (!first) {
        if (seen) yield 'first answer lost or not stored (nothing to compare)';
        firstByPayload.set(payload, ex);
        continue;
      }
      yield { key, stored: first, replay: ex, duplicated };
    }
  }
}

const isSuccessStatus = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

/** The payment an answer shows: the body, or for a refund the payment snapshot the profile names (none when it names none). */
function snapshotOf(profile: ApiProfile, ex: Exchange): unknown {
  const body = ex.complete?.body;
  if (ex.invoke.op !== 'refund') return body;
  return profile.fields.refundPayment ? readField(body, profile.fields.refundPayment) : undefined;
}

const AMOUNT_FIELDS = ['amount', 'amountCaptured', 'amountRefunded'] as const satisfies readonly (keyof FieldPaths)[];

/** The profile-mapped fields of a success answer, by field name (amounts in minor units), for comparing and for sentences. */
export function mappedFields(profile: ApiProfile, ex: Exchange): Map<string, string> {
  const out = new Map<string, string>();
  const snapshot = snapshotOf(profile, ex);
  if (snapshot === undefined || snapshot === null) return out;
  const status = readField(snapshot, profile.fields.status);
  if (typeof status === 'string' || typeof status === 'number') out.set('status', String(status));
  for (const field of AMOUNT_FIELDS) {
    const path = profile.fields[field];
    const minor = path ? readAmount(profile, snapshot, path) : undefined;
    if (minor !== undefined) out.set(field, `${minor}`);
  }
  const currency = profile.fields.currency ? readField(snapshot, profile.fields.currency) : undefined;
  if (typeof currency === 'string') out.set('currency', currency);
  return out;
}

/** The error code of an answer, at the codePath of the first profile rule for its status that names one. */
export function errorCodeOf(profile: ApiProfile, status: number, body: unknown): string | undefined {
  for (const rule of profile.errors ?? []) {
    const statuses = Array.isArray(rule.status) ? rule.status : [rule.status];
    if (!rule.codePath || !statuses.includes(status)) continue;
    const code = readField(body, rule.codePath);
    if (typeof code === 'string' || typeof code === 'number') return String(code);
  }
  return undefined;
}

/** "409 (invalid-state, code invalid_state)", "201 (id pay_1, status succeeded, amount 1250, amountCaptured 1250)". */
export function describeAnswer(profile: ApiProfile, ex: Exchange): string {
  const c = ex.complete;
  if (!c || c.status === undefined) return c ? `${c.outcome} (${c.error ?? 'no response'})` : 'no answer';
  if (!isSuccessStatus(c.status)) {
    const cls = classifyAnswer(profile, c.status, c.body);
    const code = errorCodeOf(profile, c.status, c.body);
    const parts = [cls, code !== undefined ? `code ${code}` : undefined].filter(Boolean);
    return parts.length ? `${c.status} (${parts.join(', ')})` : `${c.status}`;
  }
  const fields = [...mappedFields(profile, ex)].map(([name, value]) => `${name} ${value}`);
  return `${c.status} (${[`id ${c.resourceId ?? '(none)'}`, ...fields].join(', ')})`;
}

/**
 * How `replay`'s answer differs from the stored one, as phrases ("status 201 then 200", "amountCaptured
 * 0 then 1250"); empty when it reproduces it. Success answers compare id, the profile-mapped fields
 * (amounts in minor units) and, when those agree, the whole body; error answers compare error class
 * and code, since an error body may carry a request id or time of its own.
 */
export function answerDifferences(profile: ApiProfile, stored: Exchange, replay: Exchange): string[] {
  const a = stored.complete!;
  const b = replay.complete!;
  const out: string[] = [];
  if (a.status !== b.status) out.push(`status ${a.status} then ${b.status}`);
  // A refusal answered with a success (or the reverse) differs in kind: the status says it, the answers show what ran.
  if (isSuccessStatus(a.status) !== isSuccessStatus(b.status)) return out;
  if (!isSuccessStatus(a.status)) {
    const clsA = classifyAnswer(profile, a.status!, a.body);
    const clsB = classifyAnswer(profile, b.status!, b.body);
    if (clsA !== clsB) out.push(`error class ${clsA ?? '(none)'} then ${clsB ?? '(none)'}`);
    const codeA = errorCodeOf(profile, a.status!, a.body);
    const codeB = errorCodeOf(profile, b.status!, b.body);
    if (codeA !== codeB) out.push(`code ${codeA ?? '(none)'} then ${codeB ?? '(none)'}`);
    return out;
  }
  if (a.resourceId !== b.resourceId) out.push(`id ${a.resourceId ?? '(none)'} then ${b.resourceId ?? '(none)'}`);
  const fieldsA = mappedFields(profile, stored);
  const fieldsB = mappedFields(profile, replay);
  for (const name of new Set([...fieldsA.keys(), ...fieldsB.keys()])) {
    const x = fieldsA.get(name);
    const y = fieldsB.get(name);
    if (x !== y) out.push(`${name} ${x ?? '(none)'} then ${y ?? '(none)'}`);
  }
  if (out.length === 0 && canonical(a.body) !== canonical(b.body)) out.push('a different body');
  return out;
}

/** Seconds since the run started, for sentences ("at 2.41 s"). */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * The successful writes on the stored answer's payment that completed between the stored answer and
 * the replay ("capture #12 (200 at 0.41 s)"): what changed the payment in between. A linear scan,
 * only made for witnesses.
 */
export function changesBetween(view: HistoryView, stored: Exchange, replay: Exchange): string[] {
  const resource = stored.complete?.resourceId ?? stored.invoke.resourceId;
  if (!resource || !stored.complete) return [];
  const from = stored.complete.time;
  const to = replay.invoke.time;
  const out: string[] = [];
  const open = new Map<number, string>();
  for (const r of view.history) {
    if (r.kind === 'invoke' && r.op !== 'get' && r.op !== 'list' && r.resourceId === resource && r.idempotencyKey !== stored.invoke.idempotencyKey) {
      open.set(r.opId, r.op);
    } else if (r.kind === 'complete' && open.has(r.opId)) {
      if (r.outcome === 'ok' && r.time > from && r.time < to) out.push(`${open.get(r.opId)} #${r.opId} (${r.status} at ${seconds(r.time)})`);
      open.delete(r.opId);
    }
  }
  return out;
}

/** "create #3 (POST /v1/payments, replay) answered 201 (id pay_1, status succeeded) at 0.12 s". */
export function describeReplayExchange(profile: ApiProfile, ex: Exchange): string {
  const { invoke, complete } = ex;
  const intent = invoke.intent && invoke.intent !== 'workload' ? `, ${invoke.intent}` : '';
  const when = complete ? ` at ${seconds(complete.time)}` : '';
  return `${invoke.op} #${invoke.opId} (${invoke.method} ${invoke.path}${intent}, sent at ${seconds(invoke.time)}) answered ${describeAnswer(profile, ex)}${when}`;
}
