import { request } from 'undici';
import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { buildRequest, readField } from '../workload/request.js';
import { urlOnTarget } from '../safety.js';
import { readAmount } from '../profile/amount-format.js';
import { refundLedgerOf, sumListedRefunds } from '../profile/refund-ledger.js';
import type { FinalRead } from '../history/types.js';

/** One logical create the workload made: its reference and the payments its answers named, if any. */
export interface TouchedPayment {
  reference: string;
  logicalId: string;
  resourceIds: Set<string>;
  /** The profile merchant that created it, when not the default: its listing and reads use that merchant's credentials. */
  merchant?: string;
}

export interface FinalReadOptions {
  /** Reads in flight at once (a load run touches hundreds of payments). Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Payments known only from callbacks (no answer named them): read too, so a check can tell whether they exist. */
  alsoRead?: readonly string[];
  /**
   * A failed listing becomes a note (default), or a `reference-count` with `error` and no count
   * (reads as the run goes: the record lets the payment's flow settle; the caller sums up the failures).
   */
  listFailures?: 'note' | 'record';
}

/** What a round of final reads could not do. */
export interface FinalReadsOutcome {
  listFailures: number;
  firstListFailure?: string;
}

/** Amounts may come as numbers or numeric strings ("500"); anything else is unreadable. */
/** Ids and statuses may come as strings or numbers (an integer primary key). */
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

type Answer = { status?: number; body?: unknown; error?: string };

async function call(baseUrl: string, profile: ApiProfile, op: 'get' | 'list', params: { id?: string; reference?: string; merchant?: string }): Promise<Answer> {
  try {
    const built = buildRequest(profile, op, params);
    const res = await request(urlOnTarget(baseUrl, built.path), { method: 'GET', headers: built.headers, signal: AbortSignal.timeout(5_000) });
    const text = await res.body.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch { /* keep text */ }
    return { status: res.statusCode, body };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * The refunded total from the payment's refund list, when the profile's ledger is a list: the list
 * answer is kept in the final read so a witness shows what was summed. Other ledgers: nothing to add.
 */
export async function readRefundList(
  baseUrl: string, profile: ApiProfile, id: string, merchant?: string,
): Promise<Pick<FinalRead, 'amountRefunded' | 'refundList'>> {
  const ledger = refundLedgerOf(profile);
  if (ledger?.source !== 'list') return {};
  // The list is one more request template: built and sent exactly as the `get` template is.
  const res = await call(baseUrl, { ...profile, operations: { ...profile.operations, get: ledger.list } }, 'get', { id, merchant });
  if (res.status === undefined || res.status >= 300) {
    return { amountRefunded: undefined, refundList: { status: res.status, body: res.body, error: res.error ?? `status ${res.status}` } };
  }
  const sum = sumListedRefunds(profile, ledger, res.body);
  return {
    amountRefunded: sum.amount,
    refundList: { status: res.status, body: res.body, listed: sum.listed, counted: sum.counted, ...(sum.problem ? { error: sum.problem } : {}) },
  };
}

/** Runs `work` over `items` with at most `concurrency` in flight, stopping early on abort. */
async function eachLimited<T>(items: readonly T[], concurrency: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/**
 * After the faults healed and callbacks settled: list each logical create by reference (how many
 * payments exist for it, which shows a double charge whose second answer was lost) and read every
 * payment touched, straight from the target (no proxy). Every run kind reads back the same way.
 * A payment another merchant created is listed and read with that merchant's credentials: an API
 * that scopes payments per merchant shows it to no one else.
 */
export async function recordFinalReads(
  baseUrl: string, profile: ApiProfile, recorder: HistoryRecorder, touched: Iterable<TouchedPayment>, options: FinalReadOptions = {},
): Promise<FinalReadsOutcome> {
  const { signal } = options;
  const outcome: FinalReadsOutcome = { listFailures: 0 };
  const concurrency = options.concurrency ?? 4;
  const all = [...touched];
  // Payment id → its reference and merchant; the first to name an id keeps it (the default merchant's flows come first).
  const ids = new Map<string, { reference?: string; merchant?: string }>();
  const name = (id: string, t: TouchedPayment): void => {
    if (!ids.has(id)) ids.set(id, { reference: t.reference, ...(t.merchant !== undefined ? { merchant: t.merchant } : {}) });
  };
  for (const t of all) for (const id of t.resourceIds) name(id, t);
  const listItems = profile.fields.listItems;
  if (profile.operations.list !== undefined && listItems !== undefined) {
    await eachLimited(all, concurrency, signal, async (t) => {
      const res = await call(baseUrl, profile, 'list', { reference: t.reference, merchant: t.merchant });
      const items = readField(res.body, listItems);
      if (res.status === undefined || res.status >= 300 || !Array.isArray(items)) {
        const as = t.merchant !== undefined ? ` as merchant ${t.merchant}` : '';
        const why = res.error ?? (res.status !== undefined && res.status < 300 ? `status ${res.status}, no list at ${listItems}` : `status ${res.status}`);
        const message = `could not list payments with reference ${t.reference}${as}: ${why}`;
        outcome.listFailures++;
        outcome.firstListFailure ??= message;
        if (options.listFailures === 'record') {
          recorder.append({ kind: 'reference-count', reference: t.reference, logicalId: t.logicalId, resourceIds: [], ...(t.merchant !== undefined ? { merchant: t.merchant } : {}), error: why });
        } else recorder.append({ kind: 'note', message });
        return;
      }
      const listed = items.map((item) => str(readField(item, profile.fields.id))).filter((id): id is string => id !== undefined);
      for (const id of listed) name(id, t);
      recorder.append({
        kind: 'reference-count', reference: t.reference, logicalId: t.logicalId, resourceIds: listed, ...(t.merchant !== undefined ? { merchant: t.merchant } : {}),
      });
    });
  } else if (all.length > 0) {
    recorder.append({ kind: 'note', message: `profile "${profile.name}" has no list operation; payments were not counted by reference` });
  }
  // Payments known only from a callback: whose they are is unknown, so the default merchant reads them.
  for (const id of options.alsoRead ?? []) if (!ids.has(id)) ids.set(id, {});
  const f = profile.fields;
  await eachLimited([...ids], concurrency, signal, async ([id, { reference, merchant }]) => {
    const res = await call(baseUrl, profile, 'get', { id, merchant });
    const ok = res.status !== undefined && res.status < 300;
    const body = res.body;
    const refunds = ok ? await readRefundList(baseUrl, profile, id, merchant) : {};
    recorder.append({
      kind: 'final-read', resourceId: id, ...(reference !== undefined ? { reference } : {}), ...(merchant !== undefined ? { merchant } : {}), outcome: ok ? 'ok' : res.status === undefined ? 'info' : 'fail', status: res.status, body,
      paymentStatus: ok ? str(readField(body, f.status)) : undefined,
      amount: ok ? readAmount(profile, body, f.amount) : undefined,
      amountCaptured: ok && f.amountCaptured ? readAmount(profile, body, f.amountCaptured) : undefined,
      amountRefunded: ok && f.amountRefunded ? readAmount(profile, body, f.amountRefunded) : undefined,
      currency: ok && f.currency ? str(readField(body, f.currency)) : undefined,
      // A refund list, when that is where the refunded total lives, overrides the payment's field.
      ...refunds,
    });
  });
  return outcome;
}
