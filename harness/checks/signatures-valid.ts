import { signatureSchemeName } from '../webhooks/signature.js';
import { signatureWords } from '../profile/profile-words.js';
import type { Check, CheckVerdict, Witness } from './types.js';
import type { ApiProfile } from '../config/profile-types.js';
import { MAX_WITNESSES, viewOf, type HistoryView } from './history-view.js';
import { callbackAttempts, type CallbackAttempt } from './callback-attempts.js';
import { noiseBetween, noiseDoubt } from './scheduling-noise.js';
import { NotJudgedTally } from './verdict-of.js';

/**
 * The coarsest signature timestamp a scheme may carry: whole seconds (Standard Webhooks, Stripe). A
 * retry signed when sent may show a timestamp up to this much older than the previous attempt's
 * age suggests, never more.
 */
const TIMESTAMP_RESOLUTION_MS = 1_000;

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * How old the attempt's signature was when the provider sent it, ms: its age at the sink minus the
 * time a harness fault held it on the way (a held attempt ages in transit, not at the provider).
 */
function ageWhenSent(a: CallbackAttempt): number | undefined {
  const d = a.delivery;
  if (!d?.signatureValid || d.signatureAgeSeconds === undefined) return undefined;
  return d.signatureAgeSeconds * 1000 - (d.time - a.time);
}

interface Staleness {
  witness?: Witness;
  doubt?: string;
}

/** An earlier attempt of the event that reached the sink, with its signature's age when sent. */
interface Signed {
  attempt: CallbackAttempt;
  age: number;
  n: number;
}

const signedAt = (s: Signed): number => s.attempt.time - s.age;

/**
 * A retry signed when it is sent carries a timestamp that advanced with the attempt: its age when
 * sent exceeds an earlier attempt's by at most the timestamp's resolution plus its own time in
 * transit. Ages are measured on the harness's clock at both ends, so a provider clock offset cancels
 * out. `ref` is the earlier attempt signed most freshly. Had the retry been signed when sent, it
 * spent the whole span from its timestamp to its arrival in transit: only stalls in that span count.
 */
function judgeRetry(view: HistoryView, eventId: string, ref: Signed, cur: Signed): Staleness {
  const margin = cur.age - ref.age - TIMESTAMP_RESOLUTION_MS;
  if (margin <= 0) return {};
  const summary = `Event ${eventId}${cur.attempt.delivery?.eventType ? ` (${cur.attempt.delivery.eventType})` : ''}: attempt ${cur.n} was sent at +${secs(cur.attempt.time)} `
    + `with a signature timestamp of +${secs(signedAt(cur))} (${secs(cur.age)} old), while attempt ${ref.n}, sent at +${secs(ref.attempt.time)}, `
    + `carried +${secs(signedAt(ref))}: the timestamp did not advance with the retry (${secs(cur.attempt.time - ref.attempt.time)} later), `
    + 'so the retry was not signed when it was sent.';
  const doubt = noiseDoubt(margin, noiseBetween(view, signedAt(cur), cur.attempt.delivery!.time), 'late');
  if (!doubt) return { witness: { summary, records: [ref.attempt.record, cur.attempt.record] } };
  return { doubt: `${summary.replace(/\.$/, '')}, but ${doubt}.` };
}

/**
 * Every callback carries a valid signature (Standard Webhooks, Stripe or a declared HMAC scheme)
 * with a fresh timestamp: within the profile's tolerance at delivery, and re-signed on every retry.
 */
export const signaturesValid: Check = {
  name: 'signatures-valid',
  description: 'every callback signature verifies, its timestamp is fresh (within the profile tolerance) and advances with every retry',
  describe: (profile) => (profile.webhooks
    ? `every callback's ${signatureWords(profile.webhooks)} signature verifies, its timestamp is fresh (within ${profile.webhooks.toleranceSeconds} s) and advances with every retry`
    : 'every callback signature verifies, its timestamp is fresh (within the profile tolerance) and advances with every retry'),
  inapplicable(profile: ApiProfile) {
    if (!profile.webhooks) return 'the profile declares no webhooks, so there are no signatures to check';
    if (profile.webhooks.signature === 'none') return 'the profile says callbacks are not signed (webhooks.signature: none), so no signature can be verified';
    return undefined;
  },
  run(history, { profile }): CheckVerdict {
    const why = this.inapplicable!(profile);
    if (why) return { name: this.name, verdict: 'unknown', witnesses: [], error: why, judged: 0, unit: 'deliveries' };
    const webhooks = profile.webhooks!;
    const view = viewOf(history, profile);
    const witnesses: Witness[] = [];
    const doubts: string[] = [];
    const skipped = new NotJudgedTally();
    let verified = 0;
    for (const d of view.deliveries) {
      const stale = d.signatureAgeSeconds !== undefined && Math.abs(d.signatureAgeSeconds) > webhooks.toleranceSeconds;
      if (d.signatureValid && !stale) {
        verified++;
        continue;
      }
      if (witnesses.length >= MAX_WITNESSES) continue;
      witnesses.push({
        summary: d.signatureValid
          ? `Callback ${d.eventId} carried a signature timestamp ${Math.round(d.signatureAgeSeconds!)} s old at +${secs(d.time)}; the tolerance is ${webhooks.toleranceSeconds} s.`
          : `Callback ${d.eventId} failed ${signatureSchemeName(webhooks.signature)} signature verification${d.signatureError ? ` (${d.signatureError})` : ''}.`,
        records: [d],
      });
    }
    // Freshness across attempts: each retry that reached the sink against the earlier one signed most freshly.
    let retriesJudged = 0;
    for (const [eventId, attempts] of callbackAttempts(view)) {
      if (witnesses.length >= MAX_WITNESSES) break;
      let ref: Signed | undefined;
      let newestSigned: number | undefined;
      for (let i = 0; i < attempts.length; i++) {
        const cur = attempts[i]!;
        if (!cur.delivery) continue;
        const age = ageWhenSent(cur);
        if (age === undefined) {
          if (i > 0) skipped.add(cur.delivery.signatureValid ? 'retry whose signature carries no timestamp' : 'retry whose signature did not verify (judged above)');
          continue;
        }
        const signed: Signed = { attempt: cur, age, n: i + 1 };
        // Signed before an attempt that reached the sink earlier: the provider's attempts overlapped
        // (one was held up in transit), so arrival order is not the order they were signed in.
        // (Half a resolution of slack: the two clocks an age is read from may drift by milliseconds.)
        if (newestSigned !== undefined && signedAt(signed) < newestSigned - TIMESTAMP_RESOLUTION_MS / 2) {
          skipped.add('retry signed before an attempt that arrived earlier (attempts overlapped)');
          continue;
        }
        newestSigned = Math.max(newestSigned ?? -Infinity, signedAt(signed));
        if (ref) {
          retriesJudged++;
          const { witness, doubt } = judgeRetry(view, eventId, ref, signed);
          if (witness && witnesses.length < MAX_WITNESSES) witnesses.push(witness);
          if (doubt) {
            skipped.add('retry timestamp lag within the measured scheduling noise');
            if (doubts.length < MAX_WITNESSES) doubts.push(doubt);
          }
          if (witness) break;
        }
        if (!ref || age < ref.age) ref = signed;
      }
    }
    const judged = view.deliveries.length;
    const notJudged = skipped.list();
    const base = { name: this.name, witnesses, judged, unit: 'deliveries', stats: { verified, retriesJudged }, ...(notJudged.length ? { notJudged } : {}) };
    if (witnesses.length) return { ...base, verdict: 'fail' };
    if (judged === 0) return { ...base, verdict: 'unknown', error: 'no callback reached the sink, so no signature could be verified' };
    if (doubts.length) return { ...base, verdict: 'unknown', error: doubts.join(' ') };
    return { ...base, verdict: 'pass' };
  },
};
