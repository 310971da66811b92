/**
 * The planted bugs only a fault inside the provider exposes (its database link, a crash), the inside
 * suite's scenario that exposes each (scenarios/chaos/inside/) and the check that must name it.
 */
export const INSIDE_BUG_TO_CHECK: Record<string, { scenario: string; check: string }> = {
  'idempotency-after-commit': { scenario: 'database-cuts', check: 'exactly-once' },
  'event-before-db-commit': { scenario: 'database-cuts', check: 'events-match-payments' },
  'outbox-not-durable': { scenario: 'provider-crash', check: 'callbacks-delivered' },
};
