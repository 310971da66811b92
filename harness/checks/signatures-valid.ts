import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';

/** Every callback carries a valid signature (Standard Webhooks or Stripe style) with a fresh timestamp. */
export const signaturesValid: Check = {
  name: 'signatures-valid',
  description: 'every callback signature verifies and its timestamp is fresh (within the profile tolerance)',
  run(history, { profile }): CheckVerdict {
    const webhooks = profile.webhooks;
    if (!webhooks) return { name: this.name, verdict: 'unknown', witnesses: [], error: 'the profile declares no webhooks' };
    if (webhooks.signature === 'none') return { name: this.name, verdict: 'pass', witnesses: [], stats: { verified: 0 } };
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
          : `Callback ${d.eventId} failed ${webhooks.signature} signature verification${d.signatureError ? ` (${d.signatureError})` : ''}.`,
        records: [d],
      });
    }
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { verified } };
  },
};
