import type { NotJudged } from './types.js';

/** Counts skipped items by reason, in first-seen order: a check's `notJudged`. */
export class ReasonTally {
  private readonly counts = new Map<string, number>();

  add(reason: string, count = 1): void {
    if (count > 0) this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** The tally as a verdict's `notJudged`, or undefined when nothing was skipped. */
  list(): NotJudged[] | undefined {
    return this.counts.size ? [...this.counts].map(([reason, count]) => ({ reason, count })) : undefined;
  }
}
