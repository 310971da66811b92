import { request } from 'undici';
import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { buildRequest, readField } from '../workload/request.js';
import { urlOnTarget } from '../safety.js';

/** One logical create the workload made: its reference and the payment its answer named, if any. */
export interface TouchedPayment {
  reference: string;
  logicalId: string;
  resourceIds: Set<string>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function call(baseUrl: string, profile: ApiProfile, op: 'get' | 'list', params: { id?: string; reference?: string }): Promise<{ status?: number; body?: unknown; error?: string }> {
  const built = buildRequest(profile, op, params);
  try {
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
 * After the faults healed and callbacks settled: list each logical create by reference (how many
 * payments exist for it) and read every payment touched, straight from the target (no proxy).
 */
export async function recordFinalReads(baseUrl: string, profile: ApiProfile, recorder: HistoryRecorder, touched: Iterable<TouchedPayment>, signal?: AbortSignal): Promise<void> {
  const ids = new Map<string, string>();
  const canList = profile.operations.list !== undefined && profile.fields.listItems !== undefined;
  for (const t of touched) {
    if (signal?.aborted) return;
    for (const id of t.resourceIds) ids.set(id, t.reference);
    if (!canList) continue;
    const res = await call(baseUrl, profile, 'list', { reference: t.reference });
    const items = readField(res.body, profile.fields.listItems!);
    if (res.status === undefined || res.status >= 300 || !Array.isArray(items)) {
      recorder.append({ kind: 'note', message: `could not list payments with reference ${t.reference}: ${res.error ?? `status ${res.status}`}` });
      continue;
    }
    const listed = items.map((item) => str(readField(item, profile.fields.id))).filter((id): id is string => id !== undefined);
    for (const id of listed) ids.set(id, t.reference);
    recorder.append({ kind: 'reference-count', reference: t.reference, logicalId: t.logicalId, resourceIds: listed });
  }
  const f = profile.fields;
  for (const [id, reference] of ids) {
    if (signal?.aborted) return;
    const res = await call(baseUrl, profile, 'get', { id });
    const ok = res.status !== undefined && res.status < 300;
    const body = res.body;
    recorder.append({
      kind: 'final-read', resourceId: id, reference, outcome: ok ? 'ok' : res.status === undefined ? 'info' : 'fail', status: res.status, body,
      paymentStatus: ok ? str(readField(body, f.status)) : undefined,
      amount: ok ? num(readField(body, f.amount)) : undefined,
      amountCaptured: ok && f.amountCaptured ? num(readField(body, f.amountCaptured)) : undefined,
      amountRefunded: ok && f.amountRefunded ? num(readField(body, f.amountRefunded)) : undefined,
      currency: ok && f.currency ? str(readField(body, f.currency)) : undefined,
    });
  }
}
