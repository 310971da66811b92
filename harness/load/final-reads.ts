import { Pool } from 'undici';
import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { buildRequest, readField } from '../workload/request.js';
import type { CreatedPayment } from './payment-workload.js';

export type FinalReadMode = 'all' | 'duplicates' | 'none';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * After the load, lists the payments under each logical create's reference and records how many
 * exist (`reference-count`) and their final state (`final-read`). This is what lets the checks
 * see a double charge whose second answer was lost or never compared.
 */
export async function recordFinalReads(options: {
  profile: ApiProfile;
  origin: string;
  recorder: HistoryRecorder;
  created: readonly CreatedPayment[];
  mode: FinalReadMode;
  concurrency?: number;
}): Promise<void> {
  const { profile, recorder, mode } = options;
  if (mode === 'none') return;
  if (!profile.operations.list) {
    recorder.append({ kind: 'note', message: `profile "${profile.name}" has no list operation; payments were not counted by reference after the load` });
    return;
  }
  const todo = options.created.filter((c) => mode === 'all' || c.duplicated);
  const pool = new Pool(options.origin, { connections: options.concurrency ?? 8 });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const payment = todo[next++]!;
      const built = buildRequest(profile, 'list', { reference: payment.reference });
      try {
        const res = await pool.request({ method: built.method as 'GET', path: built.path, headers: built.headers });
        const json = (await res.body.json().catch(() => undefined)) as unknown;
        const items = readField(json, profile.fields.listItems ?? '$.data');
        if (res.statusCode !== 200 || !Array.isArray(items)) {
          recorder.append({ kind: 'note', message: `listing payments for reference ${payment.reference} answered ${res.statusCode}` });
          continue;
        }
        const ids: string[] = [];
        for (const item of items) {
          const id = str(readField(item, profile.fields.id));
          if (id === undefined) continue;
          ids.push(id);
          const f = profile.fields;
          recorder.append({
            kind: 'final-read',
            resourceId: id,
            outcome: 'ok',
            status: res.statusCode,
            body: item,
            paymentStatus: str(readField(item, f.status)),
            amount: num(readField(item, f.amount)),
            ...(f.amountCaptured ? { amountCaptured: num(readField(item, f.amountCaptured)) } : {}),
            ...(f.amountRefunded ? { amountRefunded: num(readField(item, f.amountRefunded)) } : {}),
            ...(f.currency ? { currency: str(readField(item, f.currency)) } : {}),
            reference: payment.reference,
          });
        }
        recorder.append({ kind: 'reference-count', reference: payment.reference, logicalId: payment.logicalId, resourceIds: ids });
      } catch (error) {
        recorder.append({ kind: 'note', message: `could not list payments for reference ${payment.reference}: ${(error as Error).message}` });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(todo.length, options.concurrency ?? 8) }, worker));
  } finally {
    await pool.close();
  }
}
