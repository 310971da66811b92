import type { CheckVerdict, NotJudged, Witness } from './types.js';

/** Counts items a check skipped, by reason, in the order the reasons first occurred. */
export class NotJudgedTally {
  private readonly counts = new Map<string, number>();

  /** Called once per skipped item (or with a count); returns nothing. */
  add(reason: string, count = 1): void {
    if (count > 0) this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
  }

  /** Adds every entry of another list (a helper's skips folded into the check's). */
  addAll(list: readonly NotJudged[]): void {
    for (const { reason, count } of list) this.add(reason, count);
  }

  list(): NotJudged[] {
    return [...this.counts].map(([reason, count]) => ({ reason, count }));
  }
}

/** "first answer lost: 3, answer lost: 1", for sentences. */
export function describeNotJudged(list: readonly NotJudged[] | undefined): string {
  return (list ?? []).map((n) => `${n.reason}: ${n.count}`).join('; ');
}

export interface VerdictParts {
  witnesses: Witness[];
  judged: number;
  /** Plural noun of what `judged` counts ("replays"). */
  unit: string;
  notJudged: NotJudgedTally | readonly NotJudged[];
  stats?: Record<string, number>;
  /** What was missing when nothing could be judged, as a sentence ("no key was sent twice…"). */
  nothingToJudge: string;
}

/**
 * The one way a check turns what it saw into a verdict: a witness fails it; having judged nothing
 * makes it `unknown` with the check's sentence (and the skipped items), never `pass`.
 */
export function verdictOf(name: string, parts: VerdictParts): CheckVerdict {
  const notJudged = parts.notJudged instanceof NotJudgedTally ? parts.notJudged.list() : [...parts.notJudged];
  const base = {
    name, witnesses: parts.witnesses, judged: parts.judged, unit: parts.unit,
    ...(notJudged.length ? { notJudged } : {}), ...(parts.stats ? { stats: parts.stats } : {}),
  };
  if (parts.witnesses.length) return { ...base, verdict: 'fail' };
  if (parts.judged > 0) return { ...base, verdict: 'pass' };
  const skipped = describeNotJudged(notJudged);
  return { ...base, verdict: 'unknown', error: `${parts.nothingToJudge}${skipped ? ` (not judged: ${skipped})` : ''}` };
}
