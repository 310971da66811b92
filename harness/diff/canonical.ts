import type { ApiProfile } from '../config/profile-types.js';
import type { DeliveryRecord, FinalRead, HistoryRecord, OperationComplete, OperationInvoke, ReferenceCount, RunStart } from '../history/types.js';
import { readAmount } from '../profile/amount-format.js';
import { readField } from '../workload/request.js';
import { errorCode, outcomeClass, repeatBehaviour, type Exchange } from './answer-meaning.js';
import { attributeEvents, describeKinds, sentEvents, type CausingWrite } from './callbacks-caused.js';
import type { CanonicalOperation } from './types.js';

/** How one side's words become the baseline's (identity on the baseline itself). */
export interface Vocabulary {
  state(raw: string): string;
  event(raw: string): string;
  code(raw: string): string;
}

export const SAME_WORDS: Vocabulary = { state: (s) => s, event: (e) => e, code: (c) => c };

export interface CanonicalOptions {
  profile: ApiProfile;
  words: Vocabulary;
  /** Also compare the answer bodies leaf by leaf (`body.$.path`): only when both sides speak one API shape. */
  rawBodies: boolean;
}

const WRITES = new Set(['create', 'capture', 'refund', 'cancel']);
/** Repeats of a keyed request, each compared as its own field. */
const REPEATS = ['retry', 'replay', 'concurrent-copy', 'payload-change'] as const;

/** `0-3-1` → flow `0-3`, step 1; `0-3-get` → flow `0-3`, step Infinity (after every write). */
function flowStep(logicalId: string): { flow: string; step: number } | undefined {
  const m = /^(\d+-\d+)-(\d+|get)$/.exec(logicalId);
  if (!m) return undefined;
  return { flow: m[1]!, step: m[2] === 'get' ? Number.POSITIVE_INFINITY : Number(m[2]) };
}

/** Leaves of a JSON value as `$.a.b[0]` → JSON text. */
function leaves(value: unknown, path = '$', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`, out);
  else out[path] = JSON.stringify(value) ?? 'undefined';
  return out;
}

const amountText = (n: number | undefined): string | undefined => (n === undefined ? undefined : String(n));

function put(fields: Record<string, string>, name: string, value: string | undefined): void {
  if (value !== undefined) fields[name] = value;
}

/** The payment an answer describes (a refund answer embeds it at `fields.refundPayment`). */
function snapshotOf(profile: ApiProfile, op: string, body: unknown): unknown {
  if (op !== 'refund') return body;
  return profile.fields.refundPayment ? readField(body, profile.fields.refundPayment) : undefined;
}

function amountFields(fields: Record<string, string>, profile: ApiProfile, snapshot: unknown): void {
  if (snapshot === undefined) return;
  const f = profile.fields;
  put(fields, 'amount', amountText(readAmount(profile, snapshot, f.amount)));
  if (f.amountCaptured) put(fields, 'captured', amountText(readAmount(profile, snapshot, f.amountCaptured)));
  if (f.amountRefunded) put(fields, 'refunded', amountText(readAmount(profile, snapshot, f.amountRefunded)));
}

interface Logical {
  scenario: string;
  logicalId: string;
  op: string;
  exchanges: Exchange[];
}

function groupExchanges(history: readonly HistoryRecord[]): Logical[] {
  const completes = new Map<number, OperationComplete>();
  for (const r of history) if (r.kind === 'complete') completes.set(r.opId, r);
  const groups = new Map<string, Logical>();
  for (const r of history) {
    if (r.kind !== 'invoke' || r.scenario === undefined || !flowStep(r.logicalId)) continue;
    const key = `${r.scenario}/${r.logicalId}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { scenario: r.scenario, logicalId: r.logicalId, op: r.op, exchanges: [] }));
    g.exchanges.push({ invoke: r as OperationInvoke, complete: completes.get(r.opId) });
  }
  return [...groups.values()];
}

/**
 * Every logical operation of one side's history, canonicalised through that side's profile: one
 * `CanonicalOperation` per workload operation, and one `final` per payment flow (the payment as read
 * back after the run: how many were created for its reference, its state and amounts).
 */
export function canonicalise(history: readonly HistoryRecord[], options: CanonicalOptions): CanonicalOperation[] {
  const { profile, words } = options;
  const run = history.find((r): r is RunStart => r.kind === 'run');
  const out: CanonicalOperation[] = [];
  const writesByFlow = new Map<string, CausingWrite[]>();
  const flowOfResource = new Map<string, string>();
  const byKey = new Map<string, CanonicalOperation>();
  for (const g of groupExchanges(history)) {
    const { flow, step } = flowStep(g.logicalId)!;
    const main = g.exchanges.filter((e) => e.invoke.intent === undefined || e.invoke.intent === 'workload' || e.invoke.intent === 'retry');
    const answered = main.filter((e) => e.complete);
    const last = answered.at(-1)?.complete;
    const fields: Record<string, string> = { outcome: outcomeClass(profile, last) };
    const ok = last?.outcome === 'ok';
    if (ok && last.paymentStatus !== undefined) fields.state = words.state(last.paymentStatus);
    if (ok) amountFields(fields, profile, snapshotOf(profile, g.op, last.body));
    const code = errorCode(profile, last);
    if (code !== undefined) fields['error.code'] = words.code(code);
    for (const intent of REPEATS) {
      const repeats = g.exchanges.filter((e) => e.invoke.intent === intent);
      if (repeats.length === 0) continue;
      fields[`idempotency.${intent}`] = repeats.map((e) => repeatBehaviour(profile, e, intent === 'retry' ? undefined : last)).sort().join(', ');
    }
    if (options.rawBodies && last?.body !== undefined) {
      for (const [path, value] of Object.entries(leaves(last.body))) fields[`body.${path}`] = value;
    }
    const key = `${g.scenario}/${g.logicalId}`;
    const records = g.exchanges.flatMap((e) => (e.complete ? [e.invoke, e.complete] : [e.invoke]));
    const canonical: CanonicalOperation = { key, scenario: g.scenario, logicalId: g.logicalId, kind: g.op, fields, records };
    out.push(canonical);
    byKey.set(key, canonical);
    for (const e of g.exchanges) if (e.complete?.resourceId && g.op === 'create') flowOfResource.set(e.complete.resourceId, `${g.scenario}/${flow}`);
    if (WRITES.has(g.op)) {
      const list = writesByFlow.get(`${g.scenario}/${flow}`) ?? [];
      list.push({ key, step, rawState: ok ? last.paymentStatus : undefined });
      writesByFlow.set(`${g.scenario}/${flow}`, list);
    }
  }
  const finals = finalReads(history, run?.runId ?? '', options, flowOfResource);
  out.push(...finals);
  if (profile.webhooks) addCallbacks(history, words, writesByFlow, flowOfResource, byKey);
  return out;
}

/** Attributes every event to the write that caused it and adds `callbacks` / `callbacks.arrived` to every write. */
function addCallbacks(
  history: readonly HistoryRecord[], words: Vocabulary, writesByFlow: Map<string, CausingWrite[]>,
  flowOfResource: Map<string, string>, byKey: Map<string, CanonicalOperation>,
): void {
  const deliveries = history.filter((r): r is DeliveryRecord => r.kind === 'delivery');
  const eventsByFlow = new Map<string, ReturnType<typeof sentEvents>>();
  for (const event of sentEvents(deliveries, words.event)) {
    const flow = event.resourceId ? flowOfResource.get(event.resourceId) : undefined;
    if (!flow) continue;
    eventsByFlow.set(flow, [...(eventsByFlow.get(flow) ?? []), event]);
  }
  for (const [flow, writes] of writesByFlow) {
    for (const [key, events] of attributeEvents(writes, eventsByFlow.get(flow) ?? [])) {
      const op = byKey.get(key)!;
      op.fields.callbacks = describeKinds(events);
      if (events.length > 0) op.fields['callbacks.arrived'] = `${events.filter((e) => e.arrived).length} of ${events.length}`;
      op.records.push(...events.flatMap((e) => e.deliveries));
    }
  }
}

/** One `final` operation per flow: payments listed under its reference, and what the reads of them said. */
function finalReads(history: readonly HistoryRecord[], runId: string, options: CanonicalOptions, flowOfResource: Map<string, string>): CanonicalOperation[] {
  const { profile, words } = options;
  const byFlow = new Map<string, { scenario: string; flow: string; count?: ReferenceCount; reads: FinalRead[] }>();
  const entry = (scenario: string, flow: string): { scenario: string; flow: string; count?: ReferenceCount; reads: FinalRead[] } => {
    const key = `${scenario}/${flow}`;
    let e = byFlow.get(key);
    if (!e) byFlow.set(key, (e = { scenario, flow, reads: [] }));
    return e;
  };
  const flowOfReference = (reference: string | undefined): string | undefined =>
    reference?.startsWith(`${runId}-`) ? reference.slice(runId.length + 1) : undefined;
  for (const r of history) {
    if (r.kind === 'reference-count' && r.scenario !== undefined && r.error === undefined) {
      const flow = flowOfReference(r.reference);
      if (flow) entry(r.scenario, flow).count = r;
      for (const id of r.resourceIds) if (flow && !flowOfResource.has(id)) flowOfResource.set(id, `${r.scenario}/${flow}`);
    }
  }
  for (const r of history) {
    if (r.kind !== 'final-read' || r.scenario === undefined) continue;
    const flow = flowOfReference(r.reference) ?? flowOfResource.get(r.resourceId)?.split('/').pop();
    if (flow) entry(r.scenario, flow).reads.push(r);
  }
  return [...byFlow.values()].map(({ scenario, flow, count, reads }) => {
    const fields: Record<string, string> = {};
    if (count) fields.payments = String(count.resourceIds.length);
    const ok = reads.filter((r) => r.outcome === 'ok');
    const joined = (values: (string | undefined)[]): string | undefined =>
      values.length === 0 || values.every((v) => v === undefined) ? undefined : values.map((v) => v ?? '?').sort().join(', ');
    put(fields, 'state', joined(ok.map((r) => (r.paymentStatus === undefined ? undefined : words.state(r.paymentStatus)))));
    put(fields, 'amount', joined(ok.map((r) => amountText(r.amount))));
    if (profile.fields.amountCaptured) put(fields, 'captured', joined(ok.map((r) => amountText(r.amountCaptured))));
    if (profile.fields.amountRefunded) put(fields, 'refunded', joined(ok.map((r) => amountText(r.amountRefunded))));
    if (reads.length > ok.length) fields.unreadable = String(reads.length - ok.length);
    const records: unknown[] = [...(count ? [count] : []), ...reads];
    return { key: `${scenario}/${flow}-final`, scenario, logicalId: `${flow}-final`, kind: 'final', fields, records };
  });
}
