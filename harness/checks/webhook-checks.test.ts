import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { retrySchedule } from './retry-schedule.js';
import { callbacksDelivered } from './callbacks-delivered.js';
import { retriesKeepEventId } from './retries-keep-event-id.js';
import { signaturesValid } from './signatures-valid.js';
import type { FaultDecision, FaultRecord } from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';
import type { Check } from './types.js';

const profile = testProfile(); // delays 100, 200, 400 (±10%), 4 attempts, stop on 410
profile.webhooks!.retryPolicy.attemptTimeoutMs = 1_000;
const ctx = { profile, options: { earlySlackMs: 5, lateSlackMs: 50 } };
const CALLBACK_CHECKS: Check[] = [callbacksDelivered, retrySchedule, retriesKeepEventId, signaturesValid];

/** Lag samples tiling [from, until] in windows of up to 500 ms, each with this worst delay: the run's measured noise. */
function lag(h: TestHistory, until: number, maxMs = 2, from = 0): TestHistory {
  for (let t = from; t < until; t = Math.min(t + 500, until)) {
    const windowEnd = Math.min(t + 500, until);
    h.push({ kind: 'lag', time: windowEnd, target: 'default', windowMs: windowEnd - t, maxMs, p99Ms: maxMs });
  }
  return h;
}

/** A fresh history whose run measured little noise up to `until`. */
const quiet = (until = 3_000): TestHistory => lag(new TestHistory(), until);

function fault(toxic: string, type: string, phase: 'start' | 'heal', time: number, attributes?: Record<string, unknown>): FaultRecord {
  return { kind: 'fault', time, target: 'default', phase, proxy: 'cb', toxic, type, path: 'callbacks', ...(attributes ? { attributes } : {}) };
}

function decision(toxic: string, type: string, action: string, time: number, key?: string, seq?: number): FaultDecision {
  return { kind: 'fault-decision', time, target: 'default', proxy: 'cb', toxic, type, action, ...(key ? { idempotencyKey: key } : {}), ...(seq !== undefined ? { seq } : {}) } as FaultDecision;
}

const end = (h: TestHistory, time: number): TestHistory => h.push({ kind: 'note', time, target: 'default', message: 'end' });

describe('retry-schedule', () => {
  it('passes a schedule inside the jitter bounds and says how many events it judged', () => {
    const h = quiet().delivery('e1', 0, 500).delivery('e1', 105, 500).delivery('e1', 300, 200);
    const v = retrySchedule.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'pass', judged: 1, unit: 'events', stats: { retriesJudged: 2 } });
  });

  it('fails a retry that came earlier than the promise by more than the measured noise, and names both attempts', () => {
    const h = quiet().delivery('e1', 0, 500).delivery('e1', 3, 200);
    const v = retrySchedule.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('87 ms earlier than the 90 ms');
    expect(v.witnesses[0]!.records).toHaveLength(2);
  });

  it('says unknown, with both figures, when the margin is within the scheduling lag measured around the attempts', () => {
    // 70 ms after a 500: 20 ms earlier than 90 ms promised; the run saw 45 ms of lag then.
    const h = lag(new TestHistory(), 3_000, 45).delivery('e1', 1_000, 500).delivery('e1', 1_070, 200);
    const v = retrySchedule.run(h.records, ctx);
    expect(v.verdict).toBe('unknown');
    expect(v.error).toContain('attempt 2 came 70 ms after attempt 1');
    expect(v.error).toContain('20 ms earlier than the 90 ms');
    expect(v.error).toContain('45 ms of scheduling lag');
    // The same margin on a quiet run is a witness: only the noise changed.
    const calm = lag(new TestHistory(), 3_000, 5).delivery('e1', 1_000, 500).delivery('e1', 1_070, 200);
    expect(retrySchedule.run(calm.records, ctx).verdict).toBe('fail');
  });

  it('weighs a late retry against the total time the loop ran late on its way, not just the worst stall', () => {
    // 100 ms promised (+50 slack); 800 ms came: 700 ms late. Each window: worst stall 100 ms, 400 ms in total.
    const busy = new TestHistory();
    for (let t = 500; t <= 3_000; t += 500) busy.push({ kind: 'lag', time: t, target: 'default', windowMs: 500, maxMs: 100, p99Ms: 100, stallMs: 400 });
    busy.delivery('e1', 1_000, 500).delivery('e1', 1_800, 200);
    const v = retrySchedule.run(busy.records, ctx);
    expect(v.verdict).toBe('unknown');
    expect(v.error).toContain('ran 1200 ms late in total');
    const calm = quiet().delivery('e1', 1_000, 500).delivery('e1', 1_800, 200);
    expect(retrySchedule.run(calm.records, ctx).witnesses[0]!.summary).toContain('at most 110 ms');
  });

  it('does not judge lateness while the process was saturated, but still judges earliness then', () => {
    // Running late 60 % of the time: a retry 1.9 s late exceeds the stalls' total, yet queueing explains it.
    const saturated = (): TestHistory => {
      const h = new TestHistory();
      for (let t = 500; t <= 4_000; t += 500) h.push({ kind: 'lag', time: t, target: 'default', windowMs: 500, maxMs: 30, p99Ms: 30, stallMs: 300 });
      return h;
    };
    const late = retrySchedule.run(saturated().delivery('e1', 1_000, 500).delivery('e1', 3_000, 200).records, ctx);
    expect(late.verdict).toBe('unknown');
    expect(late.error).toContain('ran late 60 % of the time');
    const early = retrySchedule.run(saturated().delivery('e1', 1_000, 500).delivery('e1', 1_020, 200).records, ctx);
    expect(early.verdict).toBe('fail');
  });

  it('judges a silence only once the loop was free long enough, after the retry was due, to work off what had queued', () => {
    const busyUntil = (until: number, end: number): TestHistory => {
      const h = new TestHistory();
      for (let t = 500; t <= end; t += 500) h.push({ kind: 'lag', time: t, target: 'default', windowMs: 500, maxMs: 30, p99Ms: 30, stallMs: t <= until ? 300 : 5 });
      return h;
    };
    // Due at 3360 (3200 + 110 + 50 slack); 310 ms of stalls queued before; only 256 ms free until the end at 4000.
    const cutShort = busyUntil(4_000, 4_000).delivery('e1', 3_200, 500);
    // The same load, then 4 s of a mostly free loop: a queued retry would have come.
    const longWatch = busyUntil(4_000, 8_000).delivery('e1', 3_200, 500);
    for (const check of [retrySchedule, callbacksDelivered]) {
      const v = check.run(cutShort.records, ctx);
      expect(v.verdict, check.name).toBe('unknown');
      expect(v.error, check.name).toContain('free only 256 ms, less than the 310 ms');
      expect(check.run(longWatch.records, ctx).verdict, check.name).toBe('fail');
    }
  });

  it('weighs only the lag around the attempts, not the run\'s worst moment', () => {
    const h = lag(new TestHistory(), 1_000, 400);
    lag(h, 3_000, 3, 1_000).delivery('e1', 2_000, 500).delivery('e1', 2_070, 200);
    expect(retrySchedule.run(h.records, ctx).verdict).toBe('fail');
  });

  it('says unknown when no lag sample covers the attempts, or the run recorded none (evidence missing, like an info)', () => {
    const gap = lag(new TestHistory(), 1_000, 2).delivery('e1', 2_000, 500).delivery('e1', 2_030, 200);
    const v = retrySchedule.run(gap.records, ctx);
    expect(v.verdict).toBe('unknown');
    expect(v.error).toContain('no scheduling-lag sample covers those attempts');
    const none = new TestHistory().delivery('e1', 0, 500).delivery('e1', 30, 200);
    expect(retrySchedule.run(none.records, ctx).error).toContain('recorded no scheduling lag');
  });

  it('fails more attempts than the policy allows, whatever the noise', () => {
    const h = new TestHistory();
    [0, 100, 300, 700, 1500].forEach((t) => h.delivery('e1', t, 500));
    expect(retrySchedule.run(h.records, ctx).witnesses[0]!.summary).toContain('at most 4 attempts');
  });

  it('requires Retry-After to be honoured', () => {
    const h = quiet().delivery('e1', 0, 503, { retryAfterSeconds: 1 }).delivery('e1', 120, 200);
    expect(retrySchedule.run(h.records, ctx).verdict).toBe('fail');
    const ok = quiet().delivery('e1', 0, 503, { retryAfterSeconds: 1 }).delivery('e1', 1010, 200);
    expect(retrySchedule.run(ok.records, ctx).verdict).toBe('pass');
  });

  it('honours Retry-After only on the statuses the policy names (retryAfterStatuses)', () => {
    const scoped: ApiProfile = structuredClone(profile);
    scoped.webhooks!.retryPolicy.retryAfterStatuses = [429, 503];
    const scopedCtx = { ...ctx, profile: scoped };
    // A 500's Retry-After is not honoured: the retry is due on the plain schedule (100 ms ± 10%).
    const onSchedule = quiet().delivery('e1', 0, 500, { retryAfterSeconds: 1 }).delivery('e1', 105, 200);
    expect(retrySchedule.run(onSchedule.records, scopedCtx).verdict).toBe('pass');
    // …so waiting the Retry-After out is late by the plain schedule.
    const waited = quiet().delivery('e1', 0, 500, { retryAfterSeconds: 1 }).delivery('e1', 1010, 200);
    expect(retrySchedule.run(waited.records, scopedCtx).witnesses[0]!.summary).toMatch(/promises at most 110 ?ms/);
    // A 503's (or 429's) is: an early retry fails, naming Retry-After.
    const early = quiet().delivery('e1', 0, 503, { retryAfterSeconds: 1 }).delivery('e1', 120, 200);
    expect(retrySchedule.run(early.records, scopedCtx).witnesses[0]!.summary).toContain('(Retry-After)');
    const honoured = quiet().delivery('e1', 0, 429, { retryAfterSeconds: 1 }).delivery('e1', 1010, 200);
    expect(retrySchedule.run(honoured.records, scopedCtx).verdict).toBe('pass');
  });

  it('fails giving up early, but not when the run stopped watching too soon to tell', () => {
    const gaveUp = end(quiet().delivery('e1', 0, 500), 2000);
    expect(retrySchedule.run(gaveUp.records, ctx).witnesses[0]!.summary).toContain('never again');
    const tooSoon = end(quiet(100).delivery('e1', 0, 500), 100);
    expect(retrySchedule.run(tooSoon.records, ctx).verdict).toBe('pass');
  });

  it('stops on 410 and counts a proxy-dropped attempt as failed', () => {
    const after410 = quiet().delivery('e1', 0, 410).delivery('e1', 100, 200);
    expect(retrySchedule.run(after410.records, ctx).witnesses[0]!.summary).toContain('410');
    const dropped = quiet()
      .push(fault('t', 'http_drop_request', 'start', 0))
      .push(decision('t', 'http_drop_request', 'drop_request', 0, 'e1'))
      .delivery('e1', 100, 200);
    expect(retrySchedule.run(dropped.records, ctx).verdict).toBe('pass');
    expect(callbacksDelivered.run(dropped.records, ctx).verdict).toBe('pass');
  });

  it('a fault that forwarded the delivery and answered 503 for the receiver is one failed attempt, not two', () => {
    const h = quiet()
      .push(fault('t', 'http_status', 'start', 0, { status: 503, forward: true, first: 1 }))
      .delivery('e1', 0, 200)
      .push(decision('t', 'http_status', 'status', 0, 'e1'))
      .delivery('e1', 102, 200);
    expect(retrySchedule.run(h.records, ctx)).toMatchObject({ verdict: 'pass', stats: { retriesJudged: 1 } });
    expect(callbacksDelivered.run(h.records, ctx).verdict).toBe('pass');
  });
});

describe('one attempt, two records', () => {
  // The old false alarm: "attempt 3 came 0 ms after attempt 2 (answered a transport failure)".
  it('a decision polled twice (same seq, or the same content in older histories) is one attempt', () => {
    for (const seqs of [[7, 7], [undefined, undefined]]) {
      const h = quiet()
        .push(fault('t', 'http_drop_request', 'start', 0))
        .delivery('e1', 0, 500)
        .push(decision('t', 'http_drop_request', 'drop_request', 100, 'e1', seqs[0]))
        .push(decision('t', 'http_drop_request', 'drop_request', 100, 'e1', seqs[1]))
        .delivery('e1', 300, 200);
      const v = retrySchedule.run(h.records, ctx);
      expect(v, `seq ${seqs[0]}`).toMatchObject({ verdict: 'pass', stats: { retriesJudged: 2, doubleRecords: 1 } });
    }
  });

  it('two toxics deciding on one request are one attempt', () => {
    const h = quiet()
      .push(fault('a', 'http_drop_request', 'start', 0))
      .push(fault('b', 'http_status', 'start', 0, { status: 503 }))
      .push(decision('a', 'http_drop_request', 'drop_request', 0, 'e1', 1))
      .push(decision('b', 'http_status', 'status', 0, 'e1', 2))
      .delivery('e1', 100, 200);
    expect(retrySchedule.run(h.records, ctx)).toMatchObject({ verdict: 'pass', stats: { retriesJudged: 1 } });
  });

  it('a copy the proxy sent upstream (http_duplicate) is not a provider attempt', () => {
    const h = quiet()
      .push(fault('d', 'http_duplicate', 'start', 0, { copies: 1, delay_ms: 0 }))
      .push(decision('d', 'http_duplicate', 'duplicate', 0, 'e1'))
      .delivery('e1', 1, 200)
      .delivery('e1', 2, 200);
    expect(retrySchedule.run(h.records, ctx)).toMatchObject({ verdict: 'pass', stats: { retriesJudged: 0, proxyCopies: 1 } });
  });
});

describe('what the provider saw of a slow receiver', () => {
  it('an answer held past the provider\'s attempt timeout is a transport failure at the time the timeout fired', () => {
    // The sink answered 200 after 1.5 s; the provider gave up at 1 s and retried 100 ms later.
    const h = quiet().delivery('e1', 0, 200, { answerDelayMs: 1_500 }).delivery('e1', 1_100, 200);
    const v = retrySchedule.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'pass', stats: { retriesJudged: 1 } });
    expect(callbacksDelivered.run(h.records, ctx).verdict).toBe('pass');
    // Without the timeout in the profile, the 200 would have looked like what the provider saw.
    const blind = structuredClone(profile);
    delete blind.webhooks!.retryPolicy.attemptTimeoutMs;
    expect(retrySchedule.run(h.records, { ...ctx, profile: blind }).notJudged?.[0]?.reason).toContain('declares no webhooks.retryPolicy.attemptTimeoutMs');
  });

  it('an answer held to within the measured noise of the timeout is not judged', () => {
    const h = lag(new TestHistory(), 3_000, 40).delivery('e1', 0, 200, { answerDelayMs: 1_020 }).delivery('e1', 1_120, 200);
    const v = retrySchedule.run(h.records, ctx);
    expect(v.verdict).toBe('unknown');
    expect(v.notJudged).toEqual([{ reason: expect.stringContaining('too close to the provider\'s 1000 ms attempt timeout'), count: 1 }]);
  });
  it('is unknown, not pass, when only events without retries were judged and the others could not be', () => {
    // e1 delivered at once; e2's answer was held to within the noise of the timeout, then retried.
    const h = lag(new TestHistory(), 3_000, 40).delivery('e1', 0, 200).delivery('e2', 0, 200, { answerDelayMs: 1_020 }).delivery('e2', 1_120, 200);
    const v = retrySchedule.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 1, stats: { retriesJudged: 0 } });
    expect(v.error).toContain('no retry could be judged');
    expect(v.notJudged).toEqual([{ reason: expect.stringContaining('too close'), count: 1 }]);
    // The same run with e2's answer prompt judges its retry and passes.
    const prompt = lag(new TestHistory(), 3_000, 40).delivery('e1', 0, 200).delivery('e2', 0, 500).delivery('e2', 100, 200);
    expect(retrySchedule.run(prompt.records, ctx)).toMatchObject({ verdict: 'pass', judged: 2, stats: { retriesJudged: 1 } });
  });
});

describe('callbacks-delivered', () => {
  it('fails an event that was never accepted once the run watched past its next promised attempt', () => {
    const h = end(quiet().delivery('e1', 0, 500, { resourceId: 'pay_1' }), 2_000);
    const v = callbacksDelivered.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'fail', judged: 1, unit: 'events' });
    expect(v.witnesses[0]!.summary).toContain('never delivered');
  });

  it('does not judge an event whose next attempt was not yet due when the run stopped', () => {
    const v = callbacksDelivered.run(end(quiet(100).delivery('e1', 0, 500), 100).records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0, notJudged: [{ reason: expect.stringContaining('stopped watching'), count: 1 }] });
  });

  it('excuses events the receiver answered 410, and fails created payments nobody heard about', () => {
    const h = quiet().delivery('e1', 0, 410, { resourceId: 'pay_1' });
    expect(callbacksDelivered.run(h.records, ctx).verdict).toBe('pass');
    h.request('create', { key: 'k2', amount: 100 }, { status: 201, resourceId: 'pay_2', body: {} });
    expect(callbacksDelivered.run(h.records, ctx).witnesses[0]!.summary).toContain('pay_2');
  });

  it('fails a delivery later than the horizon', () => {
    const h = quiet(61_000).delivery('e1', 0, 500).delivery('e1', 60_000, 200);
    expect(callbacksDelivered.run(h.records, ctx).witnesses[0]!.summary).toContain('horizon');
  });

  it('does not blame a provider whose attempt budget our own callback fault spent', () => {
    const h = quiet().push(fault('t', 'http_drop_request', 'start', 0));
    [0, 100, 300, 700].forEach((t, i) => h.push(decision('t', 'http_drop_request', 'drop_request', t, 'e1', i + 1)));
    end(h.push(fault('t', 'http_drop_request', 'heal', 800)), 3_000);
    const v = callbacksDelivered.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.notJudged).toEqual([{ reason: 'attempt budget spent while a harness fault was active on the callback path', count: 1 }]);
  });

  it('does not blame a provider for attempts a traceless (TCP-level) callback fault may have eaten', () => {
    // Two attempts seen after the proxy came back up; the ones while it was down left no record.
    const h = quiet(4_000).push(fault('down', 'down', 'start', 0)).push(fault('down', 'down', 'heal', 700));
    end(h.delivery('e1', 750, 500, { resourceId: 'pay_1' }).delivery('e1', 1_150, 500, { resourceId: 'pay_1' }), 4_000);
    for (const check of [callbacksDelivered, retrySchedule]) {
      const v = check.run(h.records, ctx);
      expect(v.verdict, check.name).toBe('unknown');
      expect(v.notJudged?.[0]?.reason, check.name).toContain('(down) may have eaten attempts');
    }
    // The same attempts with no fault: the provider gave up early.
    const clean = end(quiet(4_000).delivery('e1', 750, 500).delivery('e1', 1_150, 500), 4_000);
    expect(callbacksDelivered.run(clean.records, ctx).verdict).toBe('fail');
    expect(retrySchedule.run(clean.records, ctx).verdict).toBe('fail');
  });

  it('reports dropped attempts whose decision named no event id as not judged, never blames or ignores them', () => {
    const h = quiet(4_000).push(fault('t', 'http_drop_request', 'start', 0));
    h.delivery('e1', 0, 500, { resourceId: 'pay_1' }).push(decision('t', 'http_drop_request', 'drop_request', 100));
    end(h, 4_000);
    for (const check of [callbacksDelivered, retrySchedule]) {
      const v = check.run(h.records, ctx);
      expect(v.verdict, check.name).toBe('unknown');
      expect(v.notJudged?.[0]?.reason, check.name).toContain('without naming their event id');
    }
  });
});

describe('retries-keep-event-id', () => {
  it('fails when a failed event is retried under a new id', () => {
    const h = new TestHistory()
      .delivery('evt_a', 0, 500, { resourceId: 'pay_1', eventType: 'payment.created', paymentStatus: 'succeeded' })
      .delivery('evt_b', 100, 200, { resourceId: 'pay_1', eventType: 'payment.created', paymentStatus: 'succeeded' });
    const v = retriesKeepEventId.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'fail', judged: 1, unit: 'failed events' });
    expect(v.witnesses[0]!.summary).toContain('evt_a');
  });

  it('passes a retry under its own id and two legitimate events of one type', () => {
    const h = new TestHistory()
      .delivery('evt_a', 0, 500, { resourceId: 'pay_1', eventType: 'payment.refunded', paymentStatus: 'partially_refunded' })
      .delivery('evt_a', 100, 200, { resourceId: 'pay_1', eventType: 'payment.refunded', paymentStatus: 'partially_refunded' })
      .delivery('evt_b', 150, 200, { resourceId: 'pay_1', eventType: 'payment.refunded', paymentStatus: 'partially_refunded' });
    expect(retriesKeepEventId.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('is unknown when no attempt failed: nothing could show a retry', () => {
    const v = retriesKeepEventId.run(new TestHistory().delivery('evt_a', 0, 200).records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.error).toContain('no callback attempt failed');
  });
});

describe('signatures-valid', () => {
  it('fails an invalid or stale signature and passes fresh valid ones', () => {
    const good = new TestHistory().delivery('e1', 0, 200, { signatureValid: true, signatureAgeSeconds: 1 });
    expect(signaturesValid.run(good.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1, unit: 'deliveries' });
    const bad = new TestHistory().delivery('e1', 0, 200, { signatureValid: false, signatureError: 'No matching signature found' });
    expect(signaturesValid.run(bad.records, ctx).witnesses[0]!.summary).toContain('No matching signature');
    const stale = new TestHistory().delivery('e1', 0, 200, { signatureValid: true, signatureAgeSeconds: 900 });
    expect(signaturesValid.run(stale.records, ctx).witnesses[0]!.summary).toContain('900 s old');
  });

  it('cannot apply to unsigned callbacks: unknown with the reason, never pass', () => {
    const unsigned: ApiProfile = structuredClone(profile);
    unsigned.webhooks!.signature = 'none';
    expect(signaturesValid.inapplicable!(unsigned)).toContain('signature: none');
    const v = signaturesValid.run(new TestHistory().delivery('e1', 0, 200).records, { profile: unsigned });
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
  });
});

describe('every callback check', () => {
  it('cannot apply to a profile without webhooks', () => {
    const noHooks: ApiProfile = structuredClone(profile);
    delete noHooks.webhooks;
    for (const check of CALLBACK_CHECKS) {
      expect(check.inapplicable!(noHooks), check.name).toContain('declares no webhooks');
      expect(check.run(new TestHistory().records, { profile: noHooks }), check.name).toMatchObject({ verdict: 'unknown', judged: 0 });
      expect(check.inapplicable!(profile), check.name).toBeUndefined();
    }
  });

  it('is unknown with a sentence on an empty history, never pass', () => {
    for (const check of CALLBACK_CHECKS) {
      const v = check.run(quiet().records, ctx);
      expect(v.verdict, check.name).toBe('unknown');
      expect(v.judged, check.name).toBe(0);
      expect(v.unit, check.name).toBeTruthy();
      expect(v.error, check.name).toMatch(/^no /);
    }
  });
});
