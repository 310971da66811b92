import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { WebhookSpec } from '../config/profile-types.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { parseProfile } from '../config/profile.js';
import { ReceiverBehaviour } from '../webhooks/receiver-rules.js';
import { eventKindOf, readEvent } from './event-kinds.js';

/** Stripe-shaped events: payment intents carry themselves, a refunded charge points at its payment intent. */
const STRIPE_LIKE: WebhookSpec = {
  ...structuredClone(SANDBOX_PROFILE.webhooks!),
  eventTypePath: '$.type',
  resourceIdPath: '$.data.object.id',
  resourceStatusPath: '$.data.object.status',
  eventKinds: { created: 'payment_intent.created', captured: 'payment_intent.succeeded', canceled: 'payment_intent.canceled', refunded: ['charge.refunded', 'refund.created'] },
  eventTypes: { 'charge.refunded': { resourceIdPath: '$.data.object.payment_intent' } },
};

describe('event kinds and per-type paths', () => {
  it('reads a refund event\'s payment at its own path, and no payment status from a charge', () => {
    const charge = { type: 'charge.refunded', data: { object: { id: 'ch_1', payment_intent: 'pi_1', status: 'succeeded' } } };
    expect(readEvent(STRIPE_LIKE, charge)).toEqual({ eventType: 'charge.refunded', eventKind: 'refunded', resourceId: 'pi_1', paymentStatus: undefined });
    const intent = { type: 'payment_intent.canceled', data: { object: { id: 'pi_1', status: 'canceled' } } };
    expect(readEvent(STRIPE_LIKE, intent)).toEqual({ eventType: 'payment_intent.canceled', eventKind: 'canceled', resourceId: 'pi_1', paymentStatus: 'canceled' });
    // Numeric ids are ids too; unknown types have no kind.
    expect(readEvent(STRIPE_LIKE, { type: 'x.y', data: { object: { id: 7 } } })).toMatchObject({ eventKind: undefined, resourceId: '7' });
    expect(eventKindOf(STRIPE_LIKE, 'refund.created')).toBe('refunded');
  });

  it('lets a receiver rule name an abstract kind or the API\'s own type', () => {
    const byKind = new ReceiverBehaviour([{ status: 410, first: 1, per: 'event', eventTypes: ['canceled'] }]);
    expect(byKind.answer('e1', readEvent(STRIPE_LIKE, { type: 'payment_intent.canceled', data: { object: { id: 'pi_1' } } })).status).toBe(410);
    expect(byKind.answer('e2', readEvent(STRIPE_LIKE, { type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } })).status).toBe(200);
    const byName = new ReceiverBehaviour([{ status: 410, first: 1, per: 'event', eventTypes: ['payment.canceled'] }]);
    expect(byName.answer('e3', readEvent(SANDBOX_PROFILE.webhooks!, { type: 'payment.canceled', data: { object: { id: 'p' } } })).status).toBe(410);
    // The sandbox maps its own names, so a kind works there too.
    expect(byKind.answer('e4', readEvent(SANDBOX_PROFILE.webhooks!, { type: 'payment.canceled', data: { object: { id: 'p' } } })).status).toBe(410);
  });

  it('validates kinds and per-type paths, with a located error for an unknown kind', () => {
    const ok = parseProfile('p.yaml', stringify({ extends: 'sandbox', webhooks: { eventKinds: STRIPE_LIKE.eventKinds, eventTypes: STRIPE_LIKE.eventTypes } }));
    expect(ok.webhooks!.eventTypes!['charge.refunded']!.resourceIdPath).toBe('$.data.object.payment_intent');
    expect(() => parseProfile('p.yaml', stringify({ extends: 'sandbox', webhooks: { eventKinds: { voided: 'payment.voided' } } })))
      .toThrow(/unknown key "voided".*allowed keys: created, authorized, captured, canceled, refunded, failed/);
    expect(() => parseProfile('p.yaml', stringify({ extends: 'sandbox', webhooks: { eventTypes: { 'charge.refunded': { resourceStatusPath: '$.x' } } } })))
      .toThrow(/missing "resourceIdPath"/);
  });
});

describe('receiver rules naming a kind the profile does not map', () => {
  it('are refused before a run, naming the kind and how to map it', async () => {
    const { refuseUnmappedKinds } = await import('../run/receiver-kinds.js');
    const scenario = { name: 's', file: 's.yaml', webhookReceiver: [{ status: 410, first: 1, per: 'event', eventTypes: ['authorized', 'payment.canceled'] }] };
    const refuse = (): void => refuseUnmappedKinds(SANDBOX_PROFILE, scenario as never);
    expect(refuse).toThrow(/event kind authorized, which profile "sandbox" does not map/);
    try {
      refuse();
    } catch (error) {
      expect((error as { hint?: string }).hint).toContain('webhooks.eventKinds: {authorized:');
    }
    // The sandbox maps canceled; an API's own name is never refused.
    expect(() => refuseUnmappedKinds(SANDBOX_PROFILE, { ...scenario, webhookReceiver: [{ ...scenario.webhookReceiver[0]!, eventTypes: ['canceled', 'x.y'] }] } as never)).not.toThrow();
  });
});
