import { SandboxUsageError as UsageError } from './errors.js';

/** Every planted bug, its name as users type it and what goes wrong when it is switched on. */
export const SANDBOX_BUG_DESCRIPTIONS = {
  'no-idempotency': 'Idempotency-Key is ignored: every retry executes again',
  'idempotency-race': 'the key is looked up, then stored after the work: concurrent duplicates both execute',
  'ignore-payload-mismatch': 'same key with a different payload replays the old result instead of 422',
  'replay-differs': 'a replay answers 200 with the resource as it is now instead of the stored response',
  'webhook-no-retry': 'a failed webhook delivery is never retried',
  'webhook-retry-storm': 'failed deliveries are retried immediately, with no backoff, ignoring Retry-After',
  'webhook-new-event-id': 'every delivery attempt carries a new event id',
  'webhook-bad-signature': 'signatures are computed over a differently serialised payload and do not verify',
  'webhook-stale-signature': 'a delivery is signed once, at its first attempt: every retry carries that first timestamp and signature',
  'event-before-commit': 'a write whose commit fails (--fail-rate) has already published its event: the event is delivered, the change rolled back',
  'refund-overdraw': 'refunds check the balance without a row lock: concurrent refunds can exceed the captured amount',
  'capture-after-cancel': 'a canceled payment can still be captured',
  'refund-uncaptured': 'a refund of an authorised, never captured payment is accepted (201) and recorded; the payment is left as it was',
  'capture-race': 'a capture checks the status without a row lock: two concurrent captures, or a capture and a cancel, both succeed',
  'replay-error-reexecutes': 'a refusal (4xx) is not stored under its key: a replay runs the request again and may succeed',
  'idempotency-short-retention': 'keys are forgotten 1 s after use: a late replay runs the request again',
  'replay-unmarked': 'replays are served without the Idempotent-Replayed header',
  'idempotency-after-commit': 'the idempotency key is saved after the payment commits, in a transaction of its own: a lost database connection or a crash in between, and the retry pays again',
  'event-before-db-commit': 'webhooks are sent from inside the database transaction, before it commits: when the commit then fails, the merchant was told about a change that never happened',
  'outbox-not-durable': 'events wait in process memory and are written to the outbox a moment after the change commits: a crash loses them',
  'idempotency-keys-global': 'idempotency keys are not scoped per merchant: a key another merchant used replays that merchant\'s stored answer',
} as const;

export type SandboxBug = keyof typeof SANDBOX_BUG_DESCRIPTIONS;

/** The names `--bug` accepts, in documentation order. */
export const SANDBOX_BUGS: readonly SandboxBug[] = Object.keys(SANDBOX_BUG_DESCRIPTIONS) as SandboxBug[];

/** The set of switched-on bugs; asking for an unknown name is a usage error that lists the valid ones. */
export class BugSwitches {
  private readonly on: ReadonlySet<SandboxBug>;

  constructor(names: readonly string[] = []) {
    const unknown = names.filter((name) => !(SANDBOX_BUGS as readonly string[]).includes(name));
    if (unknown.length > 0) {
      throw new UsageError('E_SANDBOX_BUG', `unknown sandbox bug${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
        hint: `valid bugs: ${SANDBOX_BUGS.join(', ')}`,
      });
    }
    this.on = new Set(names as SandboxBug[]);
  }

  /** Called at each decision point that has a planted bug; true means behave wrongly. */
  has(bug: SandboxBug): boolean {
    return this.on.has(bug);
  }

  list(): SandboxBug[] {
    return [...this.on];
  }
}
