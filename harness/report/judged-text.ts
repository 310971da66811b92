import type { CheckVerdict } from '../checks/types.js';

/** "1 replay", "41 replays": units are given plural. */
function count(n: number, unit: string): string {
  return n === 1 && unit.endsWith('s') ? `1 ${unit.slice(0, -1)}` : `${n} ${unit}`;
}

/** True when a check decided nothing: `unknown` because it had nothing (or could not say what) to judge. */
export function notJudgedAtAll(c: CheckVerdict): boolean {
  return c.verdict === 'unknown' && !(c.judged && c.judged > 0);
}

/** The word reporters show for a verdict: `not judged` keeps an undecided check apart from a pass. */
export function verdictLabel(c: CheckVerdict): string {
  return notJudgedAtAll(c) ? 'not judged' : c.verdict;
}

/** "judged 41 replays", or undefined when the check did not say. */
export function judgedText(c: CheckVerdict): string | undefined {
  if (c.judged === undefined) return undefined;
  return c.judged > 0 ? `judged ${count(c.judged, c.unit ?? 'items')}` : `judged no ${c.unit ?? 'items'}`;
}

/** "not judged: first answer lost: 9; answer lost: 15", or undefined when nothing was skipped. */
export function notJudgedText(c: CheckVerdict): string | undefined {
  if (!c.notJudged?.length) return undefined;
  return `not judged: ${c.notJudged.map((n) => `${n.reason}: ${n.count}`).join('; ')}`;
}

/** Why a check is `unknown`, with what it skipped: the message JUnit and the console give. */
export function unknownText(c: CheckVerdict): string {
  const why = c.error ?? 'the check could not decide';
  const skipped = notJudgedText(c);
  return skipped && !why.includes('(not judged:') ? `${why} (${skipped})` : why;
}
