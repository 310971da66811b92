import { randomBytes } from 'node:crypto';

/**
 * The one run-id format of every run kind: `ph-20260115T103000-a1b2c3`. Proxies a run creates and
 * its default directory (`reports/<run-id>`) carry it. A 'T' between date and time: 14 digits in a
 * row could look like a card number to the redactor.
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `ph-${stamp}-${randomBytes(3).toString('hex')}`;
}
