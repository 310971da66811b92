import type { CheckVerdict, FlowNeed, NotJudged, Witness } from './types.js';
import { describeNotJudged, NotJudgedTally } from './verdict-of.js';

/**
 * One check's verdict built up from its verdicts on batches of flows: judged and stats summed (or
 * merged as the check's FlowNeed says: the largest, or a setting every batch reports),
 * skipped items counted together, the first `witnessLimit` witnesses kept and the rest counted.
 * The merge gives the verdict the check gives on all the flows at once: a witness in any batch
 * fails it; a batch that could not decide for a reason other than "nothing there" makes it
 * `unknown`; otherwise it passes when anything was judged, and is `unknown` with the check's own
 * "nothing to judge" sentence when nothing was.
 */
export class MergedVerdict {
  private readonly witnesses: Witness[] = [];
  private witnessesNotKept = 0;
  private judged = 0;
  private judgedSaid = false;
  private unit?: string;
  private readonly notJudged = new NotJudgedTally();
  private readonly stats = new Map<string, number>();
  private undecided?: CheckVerdict;
  private emptyError?: string;
  private batches = 0;

  constructor(readonly name: string, private readonly witnessLimit: number, private readonly statRules: FlowNeed['stats'] = {}) {}

  /** Called with the check's verdict on one batch of flows. */
  add(v: CheckVerdict): void {
    this.batches++;
    this.unit ??= v.unit;
    if (v.judged !== undefined) {
      this.judged += v.judged;
      this.judgedSaid = true;
    }
    this.notJudged.addAll(v.notJudged ?? []);
    for (const [k, n] of Object.entries(v.stats ?? {})) {
      const had = this.stats.get(k);
      const rule = this.statRules?.[k];
      this.stats.set(k, had === undefined ? n : rule === 'max' ? Math.max(had, n) : rule === 'same' ? had : had + n);
    }
    for (const w of v.witnesses) {
      if (this.witnesses.length < this.witnessLimit) this.witnesses.push(w);
      else this.witnessesNotKept++;
    }
    if (v.verdict === 'unknown' && v.witnesses.length === 0) {
      if (isNothingToJudge(v)) this.emptyError ??= v.error;
      else this.undecided ??= v;
    }
  }

  /** Whether a witness was found so far: the live verdict of a streaming run. */
  get failing(): boolean {
    return this.witnesses.length > 0;
  }

  get witnessCount(): number {
    return this.witnesses.length + this.witnessesNotKept;
  }

  /** The verdict over every batch added; `late` degrades a pass that records judged too early could have changed. */
  verdict(late?: string): CheckVerdict {
    const notJudged: NotJudged[] = this.notJudged.list();
    const stats = Object.fromEntries(this.stats);
    if (this.witnessesNotKept) stats.witnessesNotKept = this.witnessesNotKept;
    const base: CheckVerdict = {
      name: this.name, verdict: 'pass', witnesses: this.witnesses,
      ...(this.judgedSaid ? { judged: this.judged } : {}), ...(this.unit ? { unit: this.unit } : {}),
      ...(notJudged.length ? { notJudged } : {}), ...(Object.keys(stats).length ? { stats } : {}),
    };
    if (this.witnesses.length) return { ...base, verdict: 'fail' };
    if (this.undecided) return { ...base, verdict: 'unknown', ...(this.undecided.error ? { error: this.undecided.error } : {}) };
    if (this.judged > 0) return late ? { ...base, verdict: 'unknown', error: late } : base;
    return { ...base, verdict: 'unknown', error: rebuildEmptyError(this.emptyError, notJudged) };
  }
}

const NOT_JUDGED_SUFFIX = / \(not judged: [^)]*(\([^)]*\)[^)]*)*\)$/;

/** A batch's "nothing to judge" sentence with the skipped items of every batch instead of its own (as verdictOf writes it). */
function rebuildEmptyError(error: string | undefined, notJudged: readonly NotJudged[]): string {
  if (error === undefined) return 'judged nothing: there was nothing to decide on';
  const hadSuffix = NOT_JUDGED_SUFFIX.test(error) || error.includes(' (not judged: ');
  const base = error.includes(' (not judged: ') ? error.slice(0, error.indexOf(' (not judged: ')) : error;
  const skipped = describeNotJudged(notJudged);
  return skipped && (hadSuffix || !base.startsWith('judged nothing')) ? `${base} (not judged: ${skipped})` : base;
}

/** An `unknown` that only says the batch held nothing this check could judge (not a crash, not an inapplicable profile). */
function isNothingToJudge(v: CheckVerdict): boolean {
  if ((v.judged ?? 0) > 0) return false;
  if (v.judged === undefined) return false;
  const error = v.error ?? '';
  return !error.startsWith('check crashed') && !error.startsWith('cannot apply');
}
