import type { ReceiverRule } from '../config/scenario-types.js';
import { eventMatches, type EventFacts } from '../profile/event-kinds.js';

/** What the sink answers to one delivery. */
export interface ReceiverAnswer {
  status: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

/** Applies a scenario's `webhookReceiver` rules: the first rule still within its `first` N decides. */
export class ReceiverBehaviour {
  private readonly perEvent = new Map<string, number>();
  private readonly perRule = new Map<ReceiverRule, number>();

  constructor(private readonly rules: readonly ReceiverRule[] = []) {}

  /** A rule's `eventTypes` may name abstract kinds (`canceled`) or the API's own type names. */
  answer(eventId: string, event: Pick<EventFacts, 'eventType' | 'eventKind'>): ReceiverAnswer {
    const seen = this.perEvent.get(eventId) ?? 0;
    this.perEvent.set(eventId, seen + 1);
    for (const rule of this.rules) {
      if (rule.eventTypes && !eventMatches(event, rule.eventTypes)) continue;
      const count = rule.per === 'event' ? seen : (this.perRule.get(rule) ?? 0);
      if (count >= rule.first) continue;
      if (rule.per === 'scenario') this.perRule.set(rule, count + 1);
      return { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds, delayMs: rule.delayMs };
    }
    return { status: 200 };
  }
}
