import { signatureSchemeName } from '../webhooks/signature.js';
import { signatureWords } from '../profile/profile-words.js';
import type { Check, CheckVerdict, Witness } from './types.js';
import type { ApiProfile } from '../config/profile-types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';

/** Every callback carries a valid signature (Standard Webhooks or Stripe style) with a fresh timestamp. */
export const signaturesValid: Check = {
  name: 'signatures-valid',
  description: 'every callback signature verifies and its timestamp is fresh (within the profile tolerance)',
  describe: (profile) => (profile.webhooks
    ? `every callback's ${signatureWords(profile.webhooks)} signature verifies and its timestamp is fresh (within ${profile.webhooks.toleranceSeconds} s)`
    : 'every callback signature verifies and its timestamp is fresh (within the profile tolerance)'),
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
          ? `Callback ${d.eventId} carried a signature timestamp ${Math.round(d.signatureAgeSeconds!)} s old; the tolerance is ${webhooks.toleranceSeconds} s.`
          : `Callback ${d.eventId} failed ${signatureSchemeName(webhooks.signature)} signature verification${d.signatureError ? ` (${d.signatureError})` : ''}.`,
        records: [d],
      });
    }
    const judged = view.deliveries.length;
    const base = { name: this.name, witnesses, judged, unit: 'deliveries', stats: { verified } };
    if (witnesses.length) return { ...base, verdict: 'fail' };
    if (judged === 0) return { ...base, verdict: 'unknown', error: 'no callback reached the sink, so no signature could be verified' };
    return { ...base, verdict: 'pass' };
  },
};
