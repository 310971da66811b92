import type { CanonicalOperation, DifferenceGroup, FieldDifference, NoiseGroup } from './types.js';

/** What one comparison of two sides found. */
export interface Comparison {
  differences: FieldDifference[];
  /** Operations compared, per (kind, field): how often each field was compared. */
  comparedFields: Map<string, number>;
  /** Logical operations present on both sides, per kind. */
  comparedOperations: Record<string, number>;
  /** Operations by key on each side, for witnesses. */
  left: Map<string, CanonicalOperation>;
  right: Map<string, CanonicalOperation>;
}

/** A value the other side does not have at all. */
export const ABSENT = '(none)';
/** An operation one side did not send (its flow stopped earlier). */
export const NOT_SENT = 'not sent';

/**
 * Fields compared only when both sides have them: an error code only exists where a profile reads
 * one, and a body leaf only where both sides answer in one shape.
 */
const BOTH_OR_NEITHER = (field: string): boolean => field === 'error.code' || field === 'unreadable';

export const fieldKey = (kind: string, field: string): string => `${kind}\u0000${field}`;

/** Compares two sides' canonical operations, logical operation by logical operation, field by field. */
export function compareSides(left: readonly CanonicalOperation[], right: readonly CanonicalOperation[]): Comparison {
  const l = new Map(left.map((o) => [o.key, o]));
  const r = new Map(right.map((o) => [o.key, o]));
  const differences: FieldDifference[] = [];
  const comparedFields = new Map<string, number>();
  const comparedOperations: Record<string, number> = {};
  const keys = [...new Set([...l.keys(), ...r.keys()])].sort();
  for (const key of keys) {
    const a = l.get(key);
    const b = r.get(key);
    const kind = (a ?? b)!.kind;
    const count = (field: string): void => void comparedFields.set(fieldKey(kind, field), (comparedFields.get(fieldKey(kind, field)) ?? 0) + 1);
    count('(operation)');
    if (!a || !b) {
      differences.push({ key, kind, field: '(operation)', baseline: a ? 'sent' : NOT_SENT, other: b ? 'sent' : NOT_SENT });
      continue;
    }
    comparedOperations[kind] = (comparedOperations[kind] ?? 0) + 1;
    const fields = [...new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])].sort();
    for (const field of fields) {
      const va = a.fields[field];
      const vb = b.fields[field];
      if ((va === undefined || vb === undefined) && (BOTH_OR_NEITHER(field) || field.startsWith('body.'))) {
        // A body leaf only one side has is a shape change only when both sides answered ok.
        if (!field.startsWith('body.') || a.fields.outcome !== 'ok' || b.fields.outcome !== 'ok') continue;
      }
      count(field);
      if (va !== vb) differences.push({ key, kind, field, baseline: va ?? ABSENT, other: vb ?? ABSENT });
    }
  }
  return { differences, comparedFields, comparedOperations, left: l, right: r };
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** Below this share of differing operations a noisy field still has meaning: only the value pairs seen are noise. */
const UNSTABLE_SHARE = 0.5;

function tally(diffs: readonly FieldDifference[]): { baseline: string; other: string; count: number }[] {
  const counts = new Map<string, { baseline: string; other: string; count: number }>();
  for (const d of diffs) {
    const k = `${d.baseline}\u0000${d.other}`;
    const c = counts.get(k) ?? { baseline: d.baseline, other: d.other, count: 0 };
    c.count++;
    counts.set(k, c);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

function groupBy(diffs: readonly FieldDifference[]): Map<string, FieldDifference[]> {
  const out = new Map<string, FieldDifference[]>();
  for (const d of diffs) out.set(fieldKey(d.kind, d.field), [...(out.get(fieldKey(d.kind, d.field)) ?? []), d]);
  return out;
}

/**
 * The Diffy split: what the two baseline runs disagreed on is noise, per (operation kind, field).
 * A candidate difference is noise when the baselines disagreed on that field with the same pair of
 * values (a concurrent copy `replayed` in one run and `refused in flight` in the other), or when the
 * field is unstable — the baselines disagreed on at least half its operations (ids, timestamps), so
 * no value of it carries meaning. Everything else is a difference, with witnesses side by side.
 */
export function separateNoise(candidate: Comparison, noise: Comparison | undefined, witnessLimit = 3): { differences: DifferenceGroup[]; noise: NoiseGroup[] } {
  const noiseGroups = new Map<string, NoiseGroup & { pairs: Set<string> }>();
  for (const [key, diffs] of groupBy(noise?.differences ?? [])) {
    const compared = noise!.comparedFields.get(key) ?? diffs.length;
    const { kind, field } = diffs[0]!;
    noiseGroups.set(key, {
      kind, field, count: diffs.length, compared, unstable: diffs.length >= compared * UNSTABLE_SHARE,
      values: tally(diffs), absorbed: 0, pairs: new Set(diffs.map((d) => pairKey(d.baseline, d.other))),
    });
  }
  const differences: DifferenceGroup[] = [];
  for (const [key, diffs] of groupBy(candidate.differences)) {
    const n = noiseGroups.get(key);
    const real = diffs.filter((d) => !(n && (n.unstable || n.pairs.has(pairKey(d.baseline, d.other)))));
    if (n) n.absorbed += diffs.length - real.length;
    if (real.length === 0) continue;
    const { kind, field } = real[0]!;
    differences.push({
      kind, field, count: real.length, compared: candidate.comparedFields.get(key) ?? real.length, values: tally(real),
      witnesses: real.slice(0, witnessLimit).map((d) => ({
        key: d.key, baseline: d.baseline, other: d.other,
        baselineRecords: candidate.left.get(d.key)?.records ?? [], otherRecords: candidate.right.get(d.key)?.records ?? [],
      })),
    });
  }
  const order = (a: { kind: string; field: string }, b: { kind: string; field: string }): number =>
    a.kind === b.kind ? (a.field < b.field ? -1 : 1) : a.kind < b.kind ? -1 : 1;
  return {
    differences: differences.sort(order),
    noise: [...noiseGroups.values()].map(({ pairs: _pairs, ...group }) => group).sort(order),
  };
}
