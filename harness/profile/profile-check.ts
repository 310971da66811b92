import { randomBytes } from 'node:crypto';
import type { ApiProfile } from '../config/profile-types.js';
import type { PaymentOperation } from '../history/types.js';
import { HistoryRecorder } from '../history/recorder.js';
import { InfraError } from '../errors.js';
import { assertTargetAllowed, urlOnTarget } from '../safety.js';
import { withBasePath } from '../run/upstream.js';
import { resolveRetryPolicy } from './retry-policy-source.js';
import { PaymentClient, type AttemptResult, type RequestMeta } from '../workload/client.js';
import { buildRequest, readField, type RequestParams } from '../workload/request.js';
import { readAmount } from './amount-format.js';
import { classifyAnswer } from './error-classes.js';
import { inspectCallback, startCallbackReceiver, type CallbackReceiver } from './check-callbacks.js';
import { inspectPayment, lifecycleStates, show, type CheckLine, type Expected } from './check-report.js';
import { inspectRefundList } from './inspect-refund-list.js';

/**
 * `payharness profile check`: one real flow per operation the profile declares, so a wrong mapping
 * shows up as a named field before a chaos run turns it into confusing verdicts. It creates as few
 * payments as it can (two), ends them (refund the rest, cancel), and says what stays on the API.
 */
export interface ProfileCheckOptions {
  target: string;
  profile: ApiProfile;
  allowTargets?: readonly string[];
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** How long to wait for a callback about the check's payments (default 10 s). */
  callbackWaitMs?: number;
}

export interface ProfileCheckResult {
  lines: CheckLine[];
  /** What the check created and could not remove. */
  remains: string[];
  /** 0 every line ok, 1 the profile does not fit the API. */
  exitCode: 0 | 1;
}

const AMOUNT = 1250;
const PARTIAL_REFUND = 250;

/** A payment the check created, as last seen. */
interface Created {
  id: string;
  body: unknown;
  status?: string;
}

export async function checkProfile(options: ProfileCheckOptions): Promise<ProfileCheckResult> {
  const { profile } = options;
  assertTargetAllowed(options.target, options.allowTargets ?? []);
  // The target's own path and the profile's basePath: every request and every message uses both.
  const target = withBasePath(options.target, profile.basePath);
  const recorder = new HistoryRecorder({ target: 'profile-check' });
  const client = new PaymentClient({ baseUrl: target, profile, recorder, timeoutMs: options.timeoutMs ?? 10_000 });
  const tag = `phc-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const lines: CheckLine[] = [];
  const remains: string[] = [];
  const created: Created[] = [];
  let answered = false;
  let receiver: CallbackReceiver | undefined;
  let registered = false;
  const ops = profile.operations;
  // The payment can be created uncaptured only when the create template carries {captureMode}.
  const manual = JSON.stringify([ops.create.body, ops.create.query, ops.create.path]).includes('{captureMode}');

  /** One request; its line says what was built, what came back and, on refusal, what the API said and how the profile classes it. */
  const call = async (label: string, op: PaymentOperation, params: RequestParams, meta: Partial<RequestMeta> = {}): Promise<AttemptResult> => {
    const built = buildRequest(profile, op, params);
    const request = `${built.method} ${built.path}${built.body ? ` ${show(built.fields)}` : ''}`;
    const result = await client.attempt(op, params, { process: 0, logicalId: `${tag}-${label}`, ...meta }, 1);
    if (result.status === undefined) {
      if (!answered) {
        throw new InfraError('E_TARGET_UNREACHABLE', `${target} did not answer ${built.method} ${urlOnTarget(target, built.path).href} (${result.failure})`, {
          hint: 'start the API, or check --target (a base path such as /api/v2 is kept)',
        });
      }
      lines.push({ op: label, what: 'request', value: `${request} → no answer (${result.failure})`, mark: 'suspicious', note: 'the API stopped answering' });
      return result;
    }
    answered = true;
    const ok = result.outcome === 'ok';
    const cls = ok ? undefined : classifyAnswer(profile, result.status, result.body);
    lines.push({
      op: label, what: 'request', value: `${request} → ${result.status}`, mark: ok ? 'ok' : 'suspicious',
      ...(ok ? {} : { note: `refused (${cls ? `class ${cls}` : 'no errors rule matches'}): ${show(result.body)}` }),
    });
    return result;
  };
  const inspect = (label: string, body: unknown, expected: Expected): string | undefined => {
    const found = inspectPayment(profile, label, body, expected);
    lines.push(...found.lines);
    return found.status;
  };
  const missingOp = (op: string, why: string): void => void lines.push({ op, what: 'skipped', mark: 'missing', note: why });

  try {
    const hooks = profile.webhooks;
    if (hooks?.retryPolicy.from) {
      // The promise the checks would judge, as the endpoint publishes it (errors name the URL and the keys).
      const source = hooks.retryPolicy.from;
      try {
        const { from: _from, ...policy } = (await resolveRetryPolicy(profile, target))!;
        lines.push({ op: 'retryPolicy', what: 'from', path: source.path, value: JSON.stringify(policy), mark: 'ok' });
      } catch (error) {
        lines.push({ op: 'retryPolicy', what: 'from', path: source.path, mark: 'missing', note: (error as Error).message });
      }
    }
    if (hooks) {
      receiver = await startCallbackReceiver(hooks);
      const reg = await call('registerWebhook', 'registerWebhook', { url: receiver.url, events: hooks.events, idempotencyKey: `${tag}-wh` });
      registered = reg.outcome === 'ok';
      if (registered) {
        const secret = readField(reg.body, hooks.secretPath);
        const has = typeof secret === 'string' && secret !== '';
        // The secret is a credential: only its length is shown.
        lines.push({
          op: 'registerWebhook', what: 'secret', path: hooks.secretPath, value: has ? `(${secret.length} characters, not shown)` : show(secret),
          mark: has || hooks.signature === 'none' ? 'ok' : 'missing', ...(has ? {} : { note: 'no signing secret there: signatures cannot be verified' }),
        });
        receiver.setSecret(has ? secret : undefined);
        remains.push(`a webhook endpoint for ${receiver.url} (the profile has no operation to remove it; the port closes when the check ends)`);
      }
    }

    // Payment A: create (uncaptured when the profile can say so), read, list, capture, refund, replay, mismatch.
    const reference = `${tag}-a`;
    const createA: RequestParams = { amount: AMOUNT, reference, idempotencyKey: `${tag}-a`, ...(manual ? { captureMode: 'manual' as const } : {}) };
    const first = await call('create', 'create', createA, { amount: AMOUNT });
    if (!manual) lines.push({ op: 'create', what: 'captureMode', mark: 'ok', note: 'operations.create has no {captureMode}: the payment is created as the API defaults' });
    const idA = first.outcome === 'ok' ? stringOf(readField(first.body, profile.fields.id)) : undefined;
    if (first.outcome === 'ok') inspect('create', first.body, { amount: AMOUNT, reference, states: profile.lifecycle.initial });
    if (idA === undefined) {
      missingOp('payment flow', 'create gave no payment id, so get, list, capture, refund and the replays were not tried');
    } else {
      const a: Created = { id: idA, body: first.body, status: stringOf(readField(first.body, profile.fields.status)) };
      created.push(a);
      const got = await call('get', 'get', { id: idA });
      if (got.outcome === 'ok') a.status = inspect('get', got.body, { id: idA, amount: AMOUNT, reference, from: a.status }) ?? a.status;
      if (got.outcome === 'ok') a.body = got.body;
      await checkList(idA, reference);
      if (ops.capture) {
        const cap = await call('capture', 'capture', { id: idA, amount: AMOUNT, idempotencyKey: `${tag}-capture` }, { resourceId: idA, amount: AMOUNT });
        if (cap.outcome === 'ok') a.status = inspect('capture', cap.body, { id: idA, amount: AMOUNT, amountCaptured: AMOUNT, from: a.status }) ?? a.status;
        if (cap.outcome === 'ok') a.body = cap.body;
        else if (!manual) lines.push({ op: 'capture', what: 'captureMode', mark: 'missing', note: 'the payment could not be created uncaptured: add {captureMode} to operations.create' });
      }
      if (ops.refund) {
        const ref = await call('refund', 'refund', { id: idA, amount: PARTIAL_REFUND, idempotencyKey: `${tag}-refund` }, { resourceId: idA, amount: PARTIAL_REFUND });
        if (ref.outcome === 'ok' && profile.fields.refundPayment) {
          const snapshot = readField(ref.body, profile.fields.refundPayment);
          if (snapshot === undefined) lines.push({ op: 'refund', what: 'refundPayment', path: profile.fields.refundPayment, value: '(absent)', mark: 'missing' });
          else inspect('refund', snapshot, { id: idA, amountRefunded: PARTIAL_REFUND, from: a.status });
        }
        if (ref.outcome === 'ok') lines.push(...await inspectRefundList(target, profile, idA, PARTIAL_REFUND));
        const after = await call('get (after refund)', 'get', { id: idA });
        if (after.outcome === 'ok') {
          a.status = inspect('get (after refund)', after.body, { id: idA, amount: AMOUNT, amountRefunded: ref.outcome === 'ok' ? PARTIAL_REFUND : undefined }) ?? a.status;
          a.body = after.body;
        }
      }
      await checkReplays(createA, first, idA);
    }

    // Payment B: cancel needs a payment no capture or refund has touched.
    if (ops.cancel) {
      const createB: RequestParams = { amount: AMOUNT, reference: `${tag}-b`, idempotencyKey: `${tag}-b`, ...(manual ? { captureMode: 'manual' as const } : {}) };
      const b = await call('create (to cancel)', 'create', createB, { amount: AMOUNT });
      const idB = b.outcome === 'ok' ? stringOf(readField(b.body, profile.fields.id)) : undefined;
      if (idB !== undefined) {
        const mine: Created = { id: idB, body: b.body, status: stringOf(readField(b.body, profile.fields.status)) };
        created.push(mine);
        const c = await call('cancel', 'cancel', { id: idB, idempotencyKey: `${tag}-cancel` }, { resourceId: idB });
        if (c.outcome === 'ok') {
          mine.status = inspect('cancel', c.body, { id: idB, amount: AMOUNT, from: mine.status }) ?? mine.status;
          mine.body = c.body;
        }
      }
    }

    if (hooks && !registered) missingOp('callback', 'the webhook registration was refused, so no callback can arrive');
    else if (hooks && receiver) {
      const wait = options.callbackWaitMs ?? 10_000;
      const ids = new Set(created.map((c) => c.id));
      if (ids.size > 0) lines.push(...inspectCallback(hooks, lifecycleStates(profile), await receiver.waitFor(ids, wait), wait));
    }
    await cleanUp();
  } finally {
    await receiver?.close();
    await client.close();
  }
  return { lines, remains, exitCode: lines.every((l) => l.mark === 'ok') ? 0 : 1 };

  async function checkList(id: string, reference: string): Promise<void> {
    if (!ops.list) return;
    const listed = await call('list', 'list', { reference });
    if (listed.outcome !== 'ok') return;
    const path = profile.fields.listItems;
    const items = path ? readField(listed.body, path) : listed.body;
    const at = path ?? '(fields.listItems not set: the answer itself)';
    if (!Array.isArray(items)) {
      lines.push({ op: 'list', what: 'listItems', path: at, value: show(items), mark: 'missing', note: 'not an array' });
      return;
    }
    const mine = items.find((item) => stringOf(readField(item, profile.fields.id)) === id);
    lines.push({
      op: 'list', what: 'listItems', path: at, value: `${items.length} item(s)`, mark: mine ? 'ok' : 'suspicious',
      ...(mine ? {} : { note: `the payment ${id} created with reference ${reference} is not among them` }),
    });
    if (items.length > 1) lines.push({ op: 'list', what: 'by reference', mark: 'suspicious', note: `${items.length} payments for a reference used once: is the query parameter right?` });
  }

  /** Same key, same request: the same answer; same key, another amount: refused as a mismatch. */
  async function checkReplays(params: RequestParams, original: AttemptResult, id: string): Promise<void> {
    const again = await call('replay', 'create', params, { intent: 'replay', amount: AMOUNT });
    const againId = again.outcome === 'ok' ? stringOf(readField(again.body, profile.fields.id)) : undefined;
    const same = again.status === original.status && againId === id;
    lines.push({
      op: 'replay', what: 'same answer', value: `${again.status ?? '-'} ${show(againId)}`, mark: same ? 'ok' : 'suspicious',
      ...(same ? {} : { note: `the first answer was ${original.status} ${id}: a replay that differs` }),
    });
    const header = profile.idempotency.replayedHeader;
    if (header) {
      const last = [...recorder.records].reverse().find((r) => r.kind === 'complete');
      const value = last?.kind === 'complete' ? last.headers?.[header.toLowerCase()] : undefined;
      lines.push({ op: 'replay', what: 'replayedHeader', path: header, value: show(value), mark: value === undefined ? 'missing' : 'ok' });
    }
    const other = await call('mismatch', 'create', { ...params, amount: AMOUNT + 1 }, { intent: 'payload-change', amount: AMOUNT + 1 });
    if (other.status === undefined) return;
    // The request line marks any refusal suspicious; here a refusal is the point, so only the class decides.
    const requestLine = lines[lines.length - 1]!;
    if (other.outcome === 'ok') {
      requestLine.note = 'a mismatch that was accepted: the key did not protect against another payload';
      const otherId = stringOf(readField(other.body, profile.fields.id));
      if (otherId !== undefined && otherId !== id) created.push({ id: otherId, body: other.body, status: stringOf(readField(other.body, profile.fields.status)) });
      return;
    }
    const cls = classifyAnswer(profile, other.status, other.body);
    requestLine.mark = cls === 'mismatch' ? 'ok' : 'suspicious';
    requestLine.note = cls === 'mismatch'
      ? 'refused as a mismatch'
      : `refused, but the profile classes ${other.status} as ${cls ?? 'nothing'} (expected mismatch: check idempotency.mismatchStatus / errors): ${show(other.body)}`;
  }

  /** Ends what the check created where the profile allows (refund the rest, else cancel); lists what stays. */
  async function cleanUp(): Promise<void> {
    const terminal = new Set(profile.lifecycle.terminal);
    for (const p of created) {
      // An unreadable status (a wrong status path) is no reason to leave the payment open: try anyway.
      if (p.status === undefined || !terminal.has(p.status)) {
        const captured = profile.fields.amountCaptured ? readAmount(profile, p.body, profile.fields.amountCaptured) : undefined;
        const refunded = profile.fields.amountRefunded ? readAmount(profile, p.body, profile.fields.amountRefunded) ?? 0 : 0;
        let done: AttemptResult | undefined;
        if (ops.refund && captured !== undefined && captured > refunded) {
          done = await call('clean up', 'refund', { id: p.id, amount: captured - refunded, idempotencyKey: `${tag}-end-${p.id}` }, { resourceId: p.id });
        } else if (ops.cancel) {
          done = await call('clean up', 'cancel', { id: p.id, idempotencyKey: `${tag}-end-${p.id}` }, { resourceId: p.id });
        }
        if (done?.outcome === 'ok') {
          const now = await call('clean up', 'get', { id: p.id });
          p.status = stringOf(readField(now.body, profile.fields.status)) ?? p.status;
        }
      }
      remains.push(`payment ${p.id} in state ${p.status ?? '?'}${p.status && terminal.has(p.status) ? ' (terminal; payments cannot be deleted)' : ' (could not be ended)'}`);
    }
  }
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
