import type { BugSwitches } from '../bugs.js';
import type { Database, Queryable } from '../db/database.js';
import type { Operation } from './operations.js';

/**
 * The sandbox's own failure mode (`--fail-rate`): a chosen write does all its work, then its commit
 * fails, so the change rolls back and the client gets a 500. The choice is seeded: the n-th write a
 * sandbox executes fails when the n-th draw of its seed is below the rate (replays, never executed,
 * draw nothing), and a key that failed fails again on every retry (its commit keeps failing), so a
 * failed write leaves its payment unchanged for good and the same seed fails the same share of writes.
 */
export class CommitFailures {
  private rate = 0;
  private keysSeen = 0;
  private readonly failing = new Set<string>();

  constructor(private readonly seed: number, rate = 0) {
    this.setRate(rate);
  }

  /** Called at start and when a run changes the rate between scenarios; 0 turns the mode off. */
  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new RangeError(`fail rate must be from 0 to 1, got ${rate}`);
    this.rate = rate;
  }

  /** Called when a write executes (inside its transaction): whether its commit fails. */
  decide(merchant: string, key: string | undefined): boolean {
    const id = `${merchant}\u0000${key ?? ''}`;
    if (key !== undefined && this.failing.has(id)) return true;
    if (this.rate === 0) return false;
    const fails = draw(this.seed, ++this.keysSeen) < this.rate;
    if (fails && key !== undefined) this.failing.add(id);
    return fails;
  }
}

/** Thrown inside the transaction after the work: a plain error, so nothing is stored for the key and the answer is 500. */
export class CommitFailedError extends Error {
  constructor() {
    super('commit failed: the sandbox failure mode (--fail-rate) chose this write; its change was rolled back');
  }
}

/** A statement the operation ran that publishes an event (outbox rows), kept to replay outside the transaction. */
interface Statement {
  sql: string;
  params: readonly unknown[];
}

const PUBLISHES = /^\s*INSERT INTO (events|deliveries)\b/i;

/**
 * Wraps a write so its commit fails when `fails()` says so as it executes. Correct: the outbox rows
 * roll back with the change, so no event tells of it. The event-before-commit bug publishes the
 * events outside the transaction (a dual write): they are delivered although the change they
 * announce never happened.
 */
export function withCommitFailure(
  operation: Operation, fails: () => boolean, context: { db: Database; bugs: BugSwitches; onPublished?: () => void },
): Operation {
  const leak = context.bugs.has('event-before-commit');
  return {
    ...operation,
    async run(tx) {
      if (!fails()) return operation.run(tx);
      const published: Statement[] = [];
      const watched: Queryable = {
        query(sql, params = []) {
          if (leak && PUBLISHES.test(sql)) published.push({ sql, params });
          return tx.query(sql, params);
        },
      };
      await operation.run(watched);
      if (published.length > 0) {
        // Not awaited: it runs once the failing transaction has rolled back (PGlite queues it; PostgreSQL waits on the row).
        void context.db.transaction(async (other) => {
          for (const s of published) await other.query(s.sql, s.params);
        }).then(() => context.onPublished?.(), () => undefined);
      }
      throw new CommitFailedError();
    },
  };
}

/** The n-th value in [0, 1) of the seed's sequence (mulberry32 over seed and n: independent of request order). */
function draw(seed: number, n: number): number {
  let t = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(n, 0x85ebca6b) + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
