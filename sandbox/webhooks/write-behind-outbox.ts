import type { Database } from '../db/database.js';
import type { Payment } from '../payments/store.js';
import { recordEvent, type EventType } from './events.js';

/**
 * How long an event waits in memory before the planted bug `outbox-not-durable` writes it to the
 * outbox: long enough that a crash at any moment of a busy workload finds some waiting.
 */
export const WRITE_BEHIND_MS = 1_000;

interface Pending {
  merchant: string;
  type: EventType;
  payment: Payment;
}

/**
 * The planted bug `outbox-not-durable`: the change commits, and its event waits in a process-memory
 * queue to be written to the outbox later. While the process lives every event still goes out; a
 * crash (or a stop) loses whatever was waiting. One queue per database, so sandboxes sharing a
 * process keep their own.
 */
class WriteBehindOutbox {
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: Database) {}

  push(event: Pending): void {
    this.pending.push(event);
    this.timer ??= setTimeout(() => void this.flush(), WRITE_BEHIND_MS);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    for (const [i, event] of batch.entries()) {
      try {
        await this.db.transaction((tx) => recordEvent(tx, event.merchant, event.type, event.payment));
      } catch {
        // The database is unreachable (or closed): keep the rest for the next flush, as such code does.
        this.pending.unshift(...batch.slice(i));
        if (this.pending.length) this.push(this.pending.pop()!);
        return;
      }
    }
  }
}

const queues = new WeakMap<Database, WriteBehindOutbox>();

/** Queues an event in memory for the outbox of `db` (the bug); it is written a moment later. */
export function writeBehind(db: Database, merchant: string, type: EventType, payment: Payment): void {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = new WriteBehindOutbox(db)));
  queue.push({ merchant, type, payment });
}
