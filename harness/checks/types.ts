import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';

export type VerdictValue = 'pass' | 'fail' | 'unknown';

/** The smallest set of records that shows a problem, and one sentence saying what it shows. */
export interface Witness {
  /** Plain-language statement, e.g. "2 payments were created for idempotency key k-7". */
  summary: string;
  /** The history records (by opId or whole records) that prove it. */
  records: HistoryRecord[];
}

/** Items a check had to skip, and why ("refunded amount unreadable": 14 payments). */
export interface NotJudged {
  reason: string;
  count: number;
}

export interface CheckVerdict {
  name: string;
  verdict: VerdictValue;
  /** Empty on pass. */
  witnesses: Witness[];
  /** Why `unknown` (the check's error, or not enough data to decide). */
  error?: string;
  /** Figures the check computed (counts), for reports. */
  stats?: Record<string, number>;
  /**
   * How many items (keys, replays, payments, events, deliveries) the check actually examined.
   * `pass` promises `judged > 0`: a check that judged nothing is `unknown` (see DESIGN.md).
   */
  judged?: number;
  /** What `judged` counts, plural ("replays", "payments"), for reports. */
  unit?: string;
  /** Items skipped, with the reason; shown as "not judged" by reporters. */
  notJudged?: NotJudged[];
}

export interface CheckContext {
  profile: ApiProfile;
  /** The check options a scenario gave this check, if any. */
  options?: Record<string, unknown>;
}

/** A check is a pure function of a history; it never prints and never throws on purpose. */
export interface Check {
  /** Registry key users type in scenarios (`idempotent-replay`). */
  name: string;
  /** One line for `chaos list` and the scenario schema. */
  description: string;
  /** Called by reports that know the run's profile: `description` in the API's own words (its key header, event id path). */
  describe?(profile: ApiProfile): string;
  /** Called after a run (or by `payharness check`); returns data, not text. */
  run(history: readonly HistoryRecord[], context: CheckContext): CheckVerdict;
  /**
   * Called before a run and before judging: a sentence saying why this check cannot apply to the
   * profile (signature `none`, no webhooks declared), or undefined when it can.
   */
  inapplicable?(profile: ApiProfile): string | undefined;
  /** The run kinds whose histories hold this check's evidence; absent: every kind. */
  runKinds?: readonly ('chaos' | 'load' | 'contracts')[];
  /**
   * What a streaming judgement (stream-judge.ts) must hand `run`. `flows`: the verdict over the run
   * is the merge of its verdicts over independent payment flows (sum of judged, witnesses of each),
   * so it is judged flow by flow as flows settle; `{ flows: true, … }` says the same with what else a
   * batch must carry and how figures merge (FlowNeed). `{ kinds }`: it reads only records of these kinds.
   * Absent: it gets the whole history, which is always correct (and costs memory on long runs).
   */
  stream?: StreamNeed;
  /**
   * The check reads answers' whole bodies, not only the payment fields an evidence history keeps
   * (history/body-policy.ts): a run whose checks include it keeps every body.
   */
  readsWholeAnswers?: true;
}

/** See `Check.stream`. */
export type StreamNeed = 'flows' | FlowNeed | { kinds: readonly HistoryRecord['kind'][] } | 'whole';

/** `flows`, with the few facts of the whole run a batch of flows must carry for the check, and how its figures merge. */
export interface FlowNeed {
  flows: true;
  /**
   * Requests of the whole run the check may name besides its flows' own (refused creates, which an
   * event about a payment that never existed may tell of): `keep` picks them as they are answered,
   * and each batch carries, for every record of kind `latestBefore` in it, the kept request sent last
   * at or before that record (by send time, then opId). The check must judge alike with or without
   * them and name them only in witnesses. A batch is judged once every request sent before its last
   * record has been answered, so it carries what the whole history would show it.
   */
  withExchanges?: {
    keep(invoke: OperationInvoke, complete: OperationComplete): boolean;
    latestBefore: HistoryRecord['kind'];
  };
  /** Figures that are not counts over flows: `max` (the largest of any batch) or `same` (a setting every batch reports). Others are summed. */
  stats?: Readonly<Record<string, 'max' | 'same'>>;
}
